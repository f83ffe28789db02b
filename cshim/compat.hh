// compat.hh: the one place that knows which Nix the plugin is built for.
//
// Nix's C++ API changes between releases (positions, string context, the
// primop registry, store path helpers). Everything version-dependent that the
// shim and the plugin use is wrapped here, keyed on GOGRAPH_NIX_VERSION
// (major*10000 + minor*100 + patch, set by the Makefile from pkg-config), so
// the rest of the C++ is written once. Nix 2.8 and Nix 2.34 are implemented;
// each wrapper says which API each of them uses (the "Newer Nix: what
// changed" table in the plugin API notes has the releases in between).
//
// Only version differences belong here: what is built on top of these
// wrappers (writing and hashing derivations, adding sources to the store)
// lives with its callers in cshim/.
#pragma once

#if !defined(GOGRAPH_NIX_VERSION) || !defined(GOGRAPH_NIX_VERSION_STRING)
#error "GOGRAPH_NIX_VERSION and GOGRAPH_NIX_VERSION_STRING must be defined (see Makefile)"
#endif

#if !(GOGRAPH_NIX_VERSION >= 20800 && GOGRAPH_NIX_VERSION < 20900) \
    && !(GOGRAPH_NIX_VERSION >= 23400 && GOGRAPH_NIX_VERSION < 23500)
#error "nix-gograph: cshim/compat.hh supports Nix 2.8 and Nix 2.34 only"
#endif

// GOGRAPH_NIX_2_34 selects the Nix 2.34 branch of each wrapper; the other
// branch is Nix 2.8.
#define GOGRAPH_NIX_2_34 (GOGRAPH_NIX_VERSION >= 23400)

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#if GOGRAPH_NIX_2_34
#include <span>

#include <boost/unordered/concurrent_flat_map.hpp>  // nix::drvHashes

#include "nix/expr/eval-inline.hh"
#include "nix/expr/eval-settings.hh"
#include "nix/expr/eval.hh"
#include "nix/expr/primops.hh"
#include "nix/expr/value/context.hh"
#include "nix/store/derivations.hh"
#include "nix/store/downstream-placeholder.hh"
#include "nix/store/globals.hh"
#include "nix/fetchers/fetch-settings.hh"
#include "nix/store/store-api.hh"
#include "nix/util/config-global.hh"
#include "nix/util/file-system.hh"
#include "nix/util/signals.hh"
#include "nix/util/source-accessor.hh"
#include "nix/util/strings.hh"
#include "nix/util/util.hh"
#else
#include "derivations.hh"
#include "eval-inline.hh"
#include "eval.hh"
#include "globals.hh"
#include "primops.hh"
#include "store-api.hh"
#include "util.hh"
#endif

namespace gograph {

// PrimOpPos is how a primop receives its call site.
// 2.8: `const Pos &`. 2.34: `const PosIdx`, an index into state.positions.
#if GOGRAPH_NIX_2_34
typedef const nix::PosIdx PrimOpPos;
#else
typedef const nix::Pos & PrimOpPos;
#endif

// PrimOpFun is the signature of a primop implementation (both versions).
typedef void (* PrimOpFun)(nix::EvalState & state, PrimOpPos pos, nix::Value ** args, nix::Value & v);

// PrimOpInfo describes a primop independently of Nix's registry type.
struct PrimOpInfo {
    std::string name;               // with the "__" prefix, e.g. "__goPackageGraph"
    std::vector<std::string> args;  // parameter names, shown by :doc; arity = args.size()
    const char * doc;               // Markdown for :doc; must outlive the process (a literal)
    PrimOpFun fun;
};

// builtForRunningNix is whether the running Nix is the one the plugin was
// compiled for; a different Nix has a different ABI, so the plugin must
// register nothing with it. `nixVersion` is a std::string in both versions
// (2.34's `nix` command sets it to its own version before loading plugins).
inline bool builtForRunningNix()
{
    return nix::nixVersion == GOGRAPH_NIX_VERSION_STRING;
}

// registerPrimOp adds a primop to the builtins of every EvalState created
// later, unless the running Nix is not the one the plugin was compiled for
// (builtForRunningNix), in which case it warns and registers nothing. It
// returns whether the primop was registered, so it can be used as a static
// initialiser.
// 2.8: `RegisterPrimOp::Info` with `.fun`. 2.34: `PrimOp` with `.impl` and
// an optional `doc` string.
inline bool registerPrimOp(PrimOpInfo && info)
{
    if (!builtForRunningNix()) {
        nix::warn("nix-gograph was built for Nix %s but this is Nix %s; not registering builtins.%s",
            GOGRAPH_NIX_VERSION_STRING, nix::nixVersion, info.name.substr(2));
        return false;
    }
#if GOGRAPH_NIX_2_34
    nix::RegisterPrimOp(nix::PrimOp {
        .name = std::move(info.name),
        .args = std::move(info.args),
        .doc = info.doc,
        .impl = info.fun,
    });
#else
    nix::RegisterPrimOp(nix::RegisterPrimOp::Info {
        .name = std::move(info.name),
        .args = std::move(info.args),
        .doc = info.doc,
        .fun = info.fun,
    });
#endif
    return true;
}

// throwError throws an evaluation error of type E (EvalError, TypeError,
// ThrownError, …) positioned at pos.
// 2.8: constructs E from an ErrorInfo. 2.34: `state.error<E>(…)`, which
// also enters the debugger.
template<typename E = nix::EvalError, typename... Args>
[[noreturn]] void throwError(nix::EvalState & state, PrimOpPos pos, const std::string & fs, const Args & ... args)
{
#if GOGRAPH_NIX_2_34
    state.error<E>(fs, args...).atPos(pos).debugThrow();
#else
    throw E({ .msg = nix::hintfmt(fs, args...), .errPos = pos });
#endif
}

// addTrace adds a "while …" line to an error passing through pos.
// 2.8: takes an `ErrPos`. 2.34: takes the `Pos` from `state.positions`.
template<typename... Args>
void addTrace(nix::EvalState & state, nix::Error & e, PrimOpPos pos, const std::string & fs, const Args & ... args)
{
#if GOGRAPH_NIX_2_34
    e.addTrace(state.positions[pos], fs, args...);
#else
    e.addTrace(nix::ErrPos(pos), fs, args...);
#endif
}

// withErrorContext runs f, adding errorCtx (plain text, like the `errorCtx`
// of 2.34's force*/coerce*) as a trace at pos to any error it throws.
// Both versions: Nix has no such helper.
template<typename F>
auto withErrorContext(nix::EvalState & state, PrimOpPos pos, std::string_view errorCtx, F f)
{
    try {
        return f();
    } catch (nix::Error & e) {
#if GOGRAPH_NIX_2_34
        e.addTrace(state.positions[pos], errorCtx);
#else
        e.addTrace(nix::ErrPos(pos), nix::hintfmt(std::string(errorCtx)));
#endif
        throw;
    }
}

// attrPos is where an attribute was defined.
// 2.8: `Attr::pos` is a `ptr<Pos>`. 2.34: a `PosIdx`.
inline PrimOpPos attrPos(const nix::Attr & attr)
{
#if GOGRAPH_NIX_2_34
    return attr.pos;
#else
    return *attr.pos;
#endif
}

// symbolName is the text of a symbol.
// 2.8: a Symbol converts to its string. 2.34: symbols are indices into
// `state.symbols`.
inline std::string symbolName(nix::EvalState & state, const nix::Symbol & sym)
{
#if GOGRAPH_NIX_2_34
    return std::string(std::string_view(state.symbols[sym]));
#else
    return sym;
#endif
}

// Bindings is an attribute set as a forced value holds it.
// 2.8: mutable. 2.34: `const` (values are immutable once forced).
#if GOGRAPH_NIX_2_34
typedef const nix::Bindings Bindings;
#else
typedef nix::Bindings Bindings;
#endif

// attrsOf is the attribute set of a forced nAttrs value.
// 2.8: `v.attrs`. 2.34: `v.attrs()`.
inline Bindings * attrsOf(nix::Value & v)
{
#if GOGRAPH_NIX_2_34
    return v.attrs();
#else
    return v.attrs;
#endif
}

// listItems are the elements of a forced nList value, for a range-for.
// 2.8: `v.listItems()`. 2.34: `v.listView()`.
inline auto listItems(nix::Value & v)
{
#if GOGRAPH_NIX_2_34
    return v.listView();
#else
    return v.listItems();
#endif
}

// stringOf is the text of a forced nString value (its context is ignored).
// 2.8: `v.string.s`. 2.34: `v.string_view()`.
inline std::string_view stringOf(nix::Value & v)
{
#if GOGRAPH_NIX_2_34
    return v.string_view();
#else
    return v.string.s;
#endif
}

// hasContext is whether the forced nString value v refers to store paths.
// 2.8: a NULL-terminated array, possibly empty. 2.34: `v.context()`, null
// when empty.
inline bool hasContext(const nix::Value & v)
{
#if GOGRAPH_NIX_2_34
    return v.context() && v.context()->size() > 0;
#else
    return v.string.context && *v.string.context;
#endif
}

// boolOf is the value of a forced nBool value.
// 2.8: `v.boolean`. 2.34: `v.boolean()`.
inline bool boolOf(const nix::Value & v)
{
#if GOGRAPH_NIX_2_34
    return v.boolean();
#else
    return v.boolean;
#endif
}

// sortedAttrs are the attributes of attrs in lexicographic order (Bindings
// are sorted by symbol, which is arbitrary), for deterministic messages.
// 2.8: `lexicographicOrder()`. 2.34: needs the symbol table.
inline std::vector<const nix::Attr *> sortedAttrs(nix::EvalState & state, Bindings & attrs)
{
#if GOGRAPH_NIX_2_34
    return attrs.lexicographicOrder(state.symbols);
#else
    return attrs.lexicographicOrder();
#endif
}

// forceValue forces v, attributing errors to pos (both versions; only the
// type of pos differs).
inline void forceValue(nix::EvalState & state, nix::Value & v, PrimOpPos pos)
{
    state.forceValue(v, pos);
}

// mkString sets v to the string s without context.
// 2.8: `v.mkString(s)`. 2.34: also needs `state.mem`.
inline void mkString(nix::EvalState & state, nix::Value & v, std::string_view s)
{
#if GOGRAPH_NIX_2_34
    v.mkString(s, state.mem);
#else
    v.mkString(s);
#endif
}

// Context is a string context as the evaluator stores it.
// 2.8: `PathSet`, strings encoding full store paths. 2.34:
// `NixStringContext`, a set of typed `NixStringContextElem`s.
#if GOGRAPH_NIX_2_34
typedef nix::NixStringContext Context;
#else
typedef nix::PathSet Context;
#endif

// ContextElem is one element of a string context, independent of how the
// running Nix encodes it.
struct ContextElem {
    enum Kind {
        Opaque,   // a plain store path: a source or a .drv used as a file
        Built,    // one output of a derivation ("!out!x.drv")
        DrvDeep,  // a drvPath with its whole closure ("=x.drv")
    };
    Kind kind;
    std::string path;    // full store path (of the .drv for Built and DrvDeep)
    std::string output;  // output name, for Built
};

#if GOGRAPH_NIX_2_34
// contextElem converts one typed 2.34 context element. An output of an
// output (dynamic derivations) cannot be expressed and is refused.
inline ContextElem contextElem(nix::EvalState & state, PrimOpPos pos, const nix::NixStringContextElem & c)
{
    auto & store = *state.store;
    if (auto o = std::get_if<nix::NixStringContextElem::Opaque>(&c.raw))
        return { ContextElem::Opaque, store.printStorePath(o->path), "" };
    if (auto d = std::get_if<nix::NixStringContextElem::DrvDeep>(&c.raw))
        return { ContextElem::DrvDeep, store.printStorePath(d->drvPath), "" };
    auto & b = std::get<nix::NixStringContextElem::Built>(c.raw);
    auto drv = std::get_if<nix::SingleDerivedPath::Opaque>(&b.drvPath->raw());
    if (!drv)
        throwError(state, pos, "builtins.goPackageGraph does not support outputs of dynamic derivations ('%s')",
            c.display(store));
    return { ContextElem::Built, store.printStorePath(drv->path), b.output };
}
#endif

// parseContext splits a string context into its elements.
// 2.8: decodes the "=drv", "!out!drv" and plain-path strings. 2.34:
// converts the typed elements (see contextElem).
inline std::vector<ContextElem> parseContext(nix::EvalState & state, PrimOpPos pos, const Context & context)
{
    std::vector<ContextElem> elems;
    for (auto & s : context) {
#if GOGRAPH_NIX_2_34
        elems.push_back(contextElem(state, pos, s));
#else
        if (s.size() > 0 && s[0] == '=')
            elems.push_back({ ContextElem::DrvDeep, s.substr(1), "" });
        else if (s.size() > 0 && s[0] == '!') {
            auto [path, output] = nix::decodeContext(*state.store, s);
            elems.push_back({ ContextElem::Built, state.store->printStorePath(path), output });
        } else
            elems.push_back({ ContextElem::Opaque, s, "" });
#endif
    }
    return elems;
}

// mkStringWithContext sets v to the string s carrying the given context.
// 2.8: encodes the elements as strings. 2.34: builds typed
// `NixStringContextElem`s holding `StorePath`s; needs `state.mem`.
inline void mkStringWithContext(nix::EvalState & state, nix::Value & v, std::string_view s,
    const std::vector<ContextElem> & context)
{
#if GOGRAPH_NIX_2_34
    nix::NixStringContext encoded;
    for (auto & e : context) {
        auto path = state.store->parseStorePath(e.path);
        switch (e.kind) {
        case ContextElem::Opaque:
            encoded.insert(nix::NixStringContextElem::Opaque { .path = path });
            break;
        case ContextElem::Built:
            encoded.insert(nix::NixStringContextElem::Built {
                .drvPath = nix::make_ref<nix::SingleDerivedPath>(nix::SingleDerivedPath::Opaque { .path = path }),
                .output = e.output,
            });
            break;
        case ContextElem::DrvDeep:
            encoded.insert(nix::NixStringContextElem::DrvDeep { .drvPath = path });
            break;
        }
    }
    v.mkString(s, encoded, state.mem);
#else
    nix::PathSet encoded;
    for (auto & e : context) {
        switch (e.kind) {
        case ContextElem::Opaque: encoded.insert(e.path); break;
        case ContextElem::Built: encoded.insert("!" + e.output + "!" + e.path); break;
        case ContextElem::DrvDeep: encoded.insert("=" + e.path); break;
        }
    }
    v.mkString(s, encoded);
#endif
}

// mkList sets v to a list of n elements, calling fill(i, element) to set
// each. Every element is reachable by the garbage collector while the later
// ones are made.
// 2.8: `state.mkList(v, n)` allocates the list in v first. 2.34: a
// `ListBuilder` (on the scanned C++ stack) is filled, then put in v.
template<typename Fill>
void mkList(nix::EvalState & state, nix::Value & v, size_t n, Fill fill)
{
#if GOGRAPH_NIX_2_34
    auto list = state.buildList(n);
    for (size_t i = 0; i < n; ++i)
        fill(i, *(list[i] = state.allocValue()));
    v.mkList(list);
#else
    state.mkList(v, n);
    for (size_t i = 0; i < n; ++i)
        fill(i, *(v.listElems()[i] = state.allocValue()));
#endif
}

// GcValueMap maps keys to values kept alive by the garbage collector, for
// values not yet reachable from the result being built. A Nix without Boehm
// GC is refused: a map the collector does not scan would let it free values
// still in use.
// 2.8: `traceable_allocator` exists only if HAVE_BOEHMGC (config.h). 2.34:
// NIX_USE_BOEHMGC (nix/expr/config.hh); without it `traceable_allocator` is
// an alias of std::allocator.
#if GOGRAPH_NIX_2_34 ? !NIX_USE_BOEHMGC : !HAVE_BOEHMGC
#error "nix-gograph needs a Nix built with Boehm GC (GcValueMap must be traced by the collector)"
#endif
template<typename K>
using GcValueMap = std::map<K, nix::Value *, std::less<K>, traceable_allocator<std::pair<const K, nix::Value *>>>;

// coerceToString coerces v to a string the way string interpolation does
// (derivations to their outPath, paths copied to the store), appending its
// context to context. Errors get errorCtx as a trace at pos.
// 2.8: no errorCtx argument (added by withErrorContext). 2.34: takes it.
inline std::string coerceToString(nix::EvalState & state, PrimOpPos pos, nix::Value & v, Context & context,
    std::string_view errorCtx)
{
#if GOGRAPH_NIX_2_34
    return state.coerceToString(pos, v, context, errorCtx, false, true).toOwned();
#else
    return withErrorContext(state, pos, errorCtx,
        [&] { return state.coerceToString(pos, v, context, false, true).toOwned(); });
#endif
}

// realisePath coerces v to a path on the file system that a program outside
// the evaluator can read, without copying it to the store: it builds the
// derivation outputs in its context (IFD, refused when
// allow-import-from-derivation is off) and checks access in pure and
// restricted mode. Errors get errorCtx as a trace at pos.
// 2.8: primops.cc's static realisePath (coerceToPath, realiseContext,
// checkSourcePath). 2.34: `state.realisePath`, whose `SourcePath` must have
// a physical path (its accessor checks access); a lazily fetched tree has
// none.
inline std::string realisePath(nix::EvalState & state, PrimOpPos pos, nix::Value & v, std::string_view errorCtx)
{
    return withErrorContext(state, pos, errorCtx, [&] {
#if GOGRAPH_NIX_2_34
        auto path = state.realisePath(pos, v);
        auto physical = path.getPhysicalPath();
        if (!physical)
            throwError(state, pos, "'%s' is not on the file system, where builtins.goPackageGraph must read it",
                path.to_string());
        return physical->string();
#else
        Context context;
        auto path = state.coerceToPath(pos, v, context);
        auto rewrites = state.realiseContext(context);
        return state.checkSourcePath(state.toRealPath(nix::rewriteStrings(path, rewrites), context));
#endif
    });
}

// checkAccess throws Nix's RestrictedPathError if restrict-eval or
// pure-eval forbids reading the absolute path path, as it would for
// builtins.readFile; otherwise it does nothing.
// 2.8: `state.checkSourcePath` (the `allowedPaths` list). 2.34: the access
// control of `state.rootFS` (an `AllowListSourceAccessor` in those modes),
// which `getPhysicalPath` applies.
inline void checkAccess(nix::EvalState & state, const std::string & path)
{
#if GOGRAPH_NIX_2_34
    state.rootPath(nix::CanonPath(path)).getPhysicalPath();
#else
    state.checkSourcePath(path);
#endif
}

// realiseContext builds the derivation outputs in context (IFD) and returns
// the rewrites from placeholders to realised paths. Errors get errorCtx as
// a trace at pos.
// 2.8: takes a `PathSet`. 2.34: takes a `NixStringContext`.
inline nix::StringMap realiseContext(nix::EvalState & state, PrimOpPos pos, const Context & context,
    std::string_view errorCtx)
{
    return withErrorContext(state, pos, errorCtx, [&] { return state.realiseContext(context); });
}

// hexOf is a hash in lowercase hex without the type prefix.
// 2.8: `to_string(Base16, false)`. 2.34: `HashFormat::Base16`.
inline std::string hexOf(const nix::Hash & h)
{
#if GOGRAPH_NIX_2_34
    return h.to_string(nix::HashFormat::Base16, false);
#else
    return h.to_string(nix::Base16, false);
#endif
}

// addPathToStore adds the file system tree at root, restricted to the paths
// filter admits (called with absolute paths), to the store as the recursive
// sha256 path called name; with dryRun it only computes that path. root is
// read directly from the file system.
// 2.8: `addToStore`/`computeStorePathForPath` on a `Path`. 2.34:
// `addToStore`/`computeStorePath` on a `SourcePath` of the file system
// accessor, with a `ContentAddressMethod`.
inline nix::StorePath addPathToStore(nix::EvalState & state, std::string_view name, const std::string & root,
    nix::PathFilter & filter, bool dryRun)
{
#if GOGRAPH_NIX_2_34
    nix::SourcePath path(nix::getFSSourceAccessor(), nix::CanonPath(root));
    auto method = nix::ContentAddressMethod::Raw::NixArchive;
    return dryRun
        ? state.store->computeStorePath(name, path, method, nix::HashAlgorithm::SHA256, {}, filter).first
        : state.store->addToStore(name, path, method, nix::HashAlgorithm::SHA256, {}, filter, state.repair);
#else
    return dryRun
        ? state.store->computeStorePathForPath(name, root, nix::FileIngestionMethod::Recursive,
            nix::htSHA256, filter).first
        : state.store->addToStore(name, root, nix::FileIngestionMethod::Recursive,
            nix::htSHA256, filter, state.repair);
#endif
}

// nix::canonPath is used directly: 2.8 returns a `Path` (std::string), 2.34
// a std::filesystem::path, which converts to std::string implicitly.

// writeDerivation writes drv to the store and returns the .drv path; with
// dryRun it only computes that path.
// 2.8: `nix::writeDerivation(store, drv, repair, readOnly)`. 2.34:
// `store->writeDerivation(drv, repair)` or `computeStorePath(store, drv)`.
inline nix::StorePath writeDerivation(nix::EvalState & state, const nix::Derivation & drv, bool dryRun)
{
#if GOGRAPH_NIX_2_34
    return dryRun ? nix::computeStorePath(*state.store, drv) : state.store->writeDerivation(drv, state.repair);
#else
    return nix::writeDerivation(*state.store, drv, state.repair, dryRun);
#endif
}

// outputIs is whether output is of the kind T (e.g.
// nix::DerivationOutput::InputAddressed, CAFloating, Deferred).
// 2.8: `output.raw()`. 2.34: `output.raw` is a member.
template<typename T>
inline bool outputIs(const nix::DerivationOutput & output)
{
#if GOGRAPH_NIX_2_34
    return std::holds_alternative<T>(output.raw);
#else
    return std::holds_alternative<T>(output.raw());
#endif
}

// caDerivationsEnabled is whether the ca-derivations experimental feature
// is enabled.
// 2.8: `settings.isExperimentalFeatureEnabled`. 2.34:
// `experimentalFeatureSettings.isEnabled`.
inline bool caDerivationsEnabled()
{
#if GOGRAPH_NIX_2_34
    return nix::experimentalFeatureSettings.isEnabled(nix::Xp::CaDerivations);
#else
    return nix::settings.isExperimentalFeatureEnabled(nix::Xp::CaDerivations);
#endif
}

// memoisedDrvHash is drvPath's entry in Nix's global drvHashes memo of
// hashDerivationModulo(drv, mask=false), if any.
// 2.8: a `Sync<std::map>`. 2.34: a `boost::concurrent_flat_map`.
inline std::optional<nix::DrvHash> memoisedDrvHash(const nix::StorePath & drvPath)
{
    std::optional<nix::DrvHash> h;
#if GOGRAPH_NIX_2_34
    nix::drvHashes.cvisit(drvPath, [&](const auto & kv) { h = kv.second; });
#else
    auto memo = nix::drvHashes.lock();
    if (auto i = memo->find(drvPath); i != memo->end())
        h = i->second;
#endif
    return h;
}

// memoiseDrvHash sets drvPath's entry in drvHashes to h.
// 2.8: through `lock()`. 2.34: the map is thread-safe itself.
inline void memoiseDrvHash(const nix::StorePath & drvPath, const nix::DrvHash & h)
{
#if GOGRAPH_NIX_2_34
    nix::drvHashes.insert_or_assign(drvPath, h);
#else
    nix::drvHashes.lock()->insert_or_assign(drvPath, h);
#endif
}

// mkString sets v to the string s carrying context as the evaluator stores
// it (a context taken from another string, unchanged).
// 2.8: a `PathSet`. 2.34: a `NixStringContext`; needs `state.mem`.
inline void mkString(nix::EvalState & state, nix::Value & v, std::string_view s, const Context & context)
{
#if GOGRAPH_NIX_2_34
    v.mkString(s, context, state.mem);
#else
    v.mkString(s, context);
#endif
}

// isDynamicOutput is whether the context element c is an output of a
// derivation that is itself the output of another (RFC 92 dynamic
// derivations, e.g. from builtins.outputOf), which parseContext refuses.
// 2.8: such elements do not exist. 2.34: a `Built` whose `drvPath` is
// `Built` too.
inline bool isDynamicOutput(const Context::value_type & c)
{
#if GOGRAPH_NIX_2_34
    auto b = std::get_if<nix::NixStringContextElem::Built>(&c.raw);
    return b && std::holds_alternative<nix::SingleDerivedPath::Built>(b->drvPath->raw());
#else
    return false;
#endif
}

// builtinOutputOf is builtins.outputOf if the evaluator has it, or null.
// 2.8: no builtins.outputOf (it came in 2.18). 2.34: it is in `builtins`
// only when the dynamic-derivations experimental feature is enabled.
inline nix::Value * builtinOutputOf(nix::EvalState & state)
{
#if GOGRAPH_NIX_2_34
    auto attr = state.getBuiltins().attrs()->get(state.symbols.create("outputOf"));
    return attr ? attr->value : nullptr;
#else
    (void) state;
    return nullptr;
#endif
}

// callFunction applies fun to args, putting the result in v.
// 2.8: a count and a `Value **`. 2.34: a `std::span<Value *>`.
inline void callFunction(nix::EvalState & state, PrimOpPos pos, nix::Value & fun, std::vector<nix::Value *> args,
    nix::Value & v)
{
#if GOGRAPH_NIX_2_34
    state.callFunction(fun, std::span<nix::Value *>(args), v, pos);
#else
    state.callFunction(fun, args.size(), args.data(), v, pos);
#endif
}

// caOutputPlaceholder is the placeholder that stands for output of the
// content-addressed derivation drvPath until it is built (what a
// derivation's outPath is then); a derivation using it gets the real path.
// 2.8: `downstreamPlaceholder`. 2.34: `DownstreamPlaceholder::unknownCaOutput`,
// which requires the ca-derivations experimental feature.
inline std::string caOutputPlaceholder(nix::EvalState & state, const nix::StorePath & drvPath, const std::string & output)
{
#if GOGRAPH_NIX_2_34
    (void) state;
    return nix::DownstreamPlaceholder::unknownCaOutput(drvPath, output).render();
#else
    return nix::downstreamPlaceholder(*state.store, drvPath, output);
#endif
}

// evalSettings are the evaluator's settings (restrict-eval, pure-eval,
// allowed-uris, …).
// 2.8: the global `nix::evalSettings`. 2.34: `state.settings`.
inline const nix::EvalSettings & evalSettings(nix::EvalState & state)
{
#if GOGRAPH_NIX_2_34
    return state.settings;
#else
    (void) state;
    return nix::evalSettings;
#endif
}

// tarballTtl is the setting tarball-ttl, which `nix --offline` sets to the
// largest unsigned int (unless given explicitly).
// 2.8: `settings.tarballTtl` (globals.hh). 2.34: `state.fetchSettings`.
inline unsigned int tarballTtl(nix::EvalState & state)
{
#if GOGRAPH_NIX_2_34
    return state.fetchSettings.tarballTtl.get();
#else
    (void) state;
    return nix::settings.tarballTtl.get();
#endif
}

// onInterrupt calls f (in Nix's signal-handling thread, not in a signal
// handler) when Nix receives SIGINT, until the returned object is destroyed.
// Both versions: `createInterruptCallback`; 2.8 declares it in util.hh,
// taking a std::function, 2.34 in nix/util/signals.hh, taking a `nix::fun`.
template<typename F>
std::unique_ptr<nix::InterruptCallback> onInterrupt(F f)
{
    return nix::createInterruptCallback(std::move(f));
}

// ProgressStep shows a step of planning that takes a while (fetching a
// module) while it exists; startProgressStep starts one at level lvl,
// described by text. Both versions have the same logger and `Activity`
// API; what differs is how the step is shown:
// 2.8: one log line, exactly text, when the step starts (an `Activity`
// would print as "text..."); the step holds nothing. 2.34: an `Activity`
// (actUnknown) with text, which the `nix` command's progress bar shows
// while it lasts and nix-build/nix-instantiate print as "text...".
// Both are safe from any thread (loggers lock their own state).
typedef std::unique_ptr<nix::Activity> ProgressStep;

inline ProgressStep startProgressStep(nix::Verbosity lvl, const std::string & text)
{
#if GOGRAPH_NIX_2_34
    return std::make_unique<nix::Activity>(*nix::logger, lvl, nix::actUnknown, text);
#else
    if (lvl <= nix::verbosity)
        nix::logger->log(lvl, text);
    return nullptr;
#endif
}

// isInterrupted is whether Nix was interrupted (SIGINT), without throwing.
// 2.8: the global `_isInterrupted` and the thread's `interruptCheck`.
// 2.34: `isInterrupted()`.
inline bool isInterrupted()
{
#if GOGRAPH_NIX_2_34
    return nix::isInterrupted();
#else
    return nix::_isInterrupted || (nix::interruptCheck && nix::interruptCheck());
#endif
}

}
