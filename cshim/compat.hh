// compat.hh: the one place that knows which Nix the plugin is built for.
//
// Nix's C++ API changes between releases (positions, string context, the
// primop registry, store path helpers). Everything version-dependent that the
// shim and the plugin use is wrapped here, keyed on GOGRAPH_NIX_VERSION
// (major*10000 + minor*100 + patch, set by the Makefile from pkg-config), so
// the rest of the C++ is written once. Only Nix 2.8 is implemented; each
// wrapper says what a newer Nix needs instead (see the "Newer Nix: what
// changed" table in the plugin API notes).
#pragma once

#if !defined(GOGRAPH_NIX_VERSION) || !defined(GOGRAPH_NIX_VERSION_STRING)
#error "GOGRAPH_NIX_VERSION and GOGRAPH_NIX_VERSION_STRING must be defined (see Makefile)"
#endif

#if GOGRAPH_NIX_VERSION < 20800 || GOGRAPH_NIX_VERSION >= 20900
#error "nix-gograph: only Nix 2.8 is supported by cshim/compat.hh so far"
#endif

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "derivations.hh"
#include "eval-inline.hh"
#include "eval.hh"
#include "globals.hh"
#include "primops.hh"
#include "store-api.hh"
#include "util.hh"

namespace gograph {

// PrimOpPos is how a primop receives its call site.
// Newer Nix (2.9+): `const nix::PosIdx` (an index into state.positions);
// master: a `CallSite` object.
typedef const nix::Pos & PrimOpPos;

// PrimOpFun is the signature of a primop implementation.
// Newer Nix: `void(EvalState &, const PosIdx, Value **, Value &)`.
typedef void (* PrimOpFun)(nix::EvalState & state, PrimOpPos pos, nix::Value ** args, nix::Value & v);

// PrimOpInfo describes a primop independently of Nix's registry type.
struct PrimOpInfo {
    std::string name;               // with the "__" prefix, e.g. "__goPackageGraph"
    std::vector<std::string> args;  // parameter names, shown by :doc; arity = args.size()
    const char * doc;               // Markdown for :doc; must outlive the process (a literal)
    PrimOpFun fun;
};

// registerPrimOp adds a primop to the builtins of every EvalState created
// later, unless the running Nix is not the one the plugin was compiled for, in
// which case it warns and registers nothing (a different Nix has a different
// ABI). It returns whether the primop was registered, so it can be used as a
// static initialiser.
// Newer Nix: 2.17 replaced `RegisterPrimOp::Info` by `PrimOp`; 2.33 made `doc`
// a `std::optional<std::string>`; 2.34 renamed `.fun` to `.impl`; 2.22+ can
// also register from `nix_plugin_entry` instead of a static initialiser.
inline bool registerPrimOp(PrimOpInfo && info)
{
    if (nix::nixVersion != GOGRAPH_NIX_VERSION_STRING) {
        nix::warn("nix-gograph was built for Nix %s but this is Nix %s; not registering builtins.%s",
            GOGRAPH_NIX_VERSION_STRING, nix::nixVersion, info.name.substr(2));
        return false;
    }
    nix::RegisterPrimOp(nix::RegisterPrimOp::Info {
        .name = std::move(info.name),
        .args = std::move(info.args),
        .doc = info.doc,
        .fun = info.fun,
    });
    return true;
}

// throwError throws an evaluation error of type E (EvalError, TypeError,
// ThrownError, …) positioned at pos.
// Newer Nix (2.13+): `state.error<E>(fs, args...).atPos(pos).debugThrow()`,
// which also enters the debugger.
template<typename E = nix::EvalError, typename... Args>
[[noreturn]] void throwError(nix::EvalState & state, PrimOpPos pos, const std::string & fs, const Args & ... args)
{
    throw E({ .msg = nix::hintfmt(fs, args...), .errPos = pos });
}

// addTrace adds a "while …" line to an error passing through pos.
// Newer Nix: takes `state.positions[pos]`; 2.13+ prefers `errorCtx` strings
// passed to force*/coerce*.
template<typename... Args>
void addTrace(nix::EvalState & state, nix::Error & e, PrimOpPos pos, const std::string & fs, const Args & ... args)
{
    e.addTrace(nix::ErrPos(pos), fs, args...);
}

// attrPos is where an attribute was defined.
// Newer Nix: `Attr::pos` is a `PosIdx`, not a `ptr<Pos>`.
inline PrimOpPos attrPos(const nix::Attr & attr)
{
    return *attr.pos;
}

// symbolName is the text of a symbol.
// Newer Nix (2.9+): symbols are indices; use `state.symbols[sym]`.
inline std::string symbolName(nix::EvalState & state, const nix::Symbol & sym)
{
    return sym;
}

// attrsOf is the attribute set of a forced nAttrs value.
// Newer Nix (2.22+): `v.attrs()`.
inline nix::Bindings * attrsOf(nix::Value & v)
{
    return v.attrs;
}

// stringOf is the text of a forced nString value (its context is ignored).
// Newer Nix: `v.string_view()`.
inline std::string_view stringOf(nix::Value & v)
{
    return v.string.s;
}

// hasContext is whether the forced nString value v refers to store paths.
// Newer Nix: `v.context()` (2.22+).
inline bool hasContext(const nix::Value & v)
{
    return v.string.context && *v.string.context;
}

// boolOf is the value of a forced nBool value.
// Newer Nix (2.22+): `v.boolean()`.
inline bool boolOf(const nix::Value & v)
{
    return v.boolean;
}

// sortedAttrs are the attributes of attrs in lexicographic order (Bindings
// are sorted by symbol, which is arbitrary), for deterministic messages.
// Newer Nix (2.9+): `attrs.lexicographicOrder(state.symbols)`.
inline std::vector<const nix::Attr *> sortedAttrs(nix::EvalState & state, nix::Bindings & attrs)
{
    return attrs.lexicographicOrder();
}

// forceValue forces v, attributing errors to pos.
// Newer Nix: takes a PosIdx.
inline void forceValue(nix::EvalState & state, nix::Value & v, PrimOpPos pos)
{
    state.forceValue(v, pos);
}

// Context is a string context as the evaluator stores it.
// Newer Nix (2.16+): `nix::NixStringContext`, a set of typed
// `NixStringContextElem`s holding base names, not full paths.
typedef nix::PathSet Context;

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

// parseContext splits a string context into its elements.
// Newer Nix (2.13+): `NixStringContextElem` is already a variant of
// Opaque/DrvDeep/Built holding StorePaths; 2.18+ Built may be nested
// (dynamic derivations), which this type cannot express.
inline std::vector<ContextElem> parseContext(nix::EvalState & state, const Context & context)
{
    std::vector<ContextElem> elems;
    for (auto & s : context) {
        if (s.size() > 0 && s[0] == '=')
            elems.push_back({ ContextElem::DrvDeep, s.substr(1), "" });
        else if (s.size() > 0 && s[0] == '!') {
            auto [path, output] = nix::decodeContext(*state.store, s);
            elems.push_back({ ContextElem::Built, state.store->printStorePath(path), output });
        } else
            elems.push_back({ ContextElem::Opaque, s, "" });
    }
    return elems;
}

// mkStringWithContext sets v to the string s carrying the given context.
// Newer Nix (2.16+): build a `NixStringContext` of `NixStringContextElem`s;
// 2.33+ also needs `state.mem`.
inline void mkStringWithContext(nix::EvalState & state, nix::Value & v, std::string_view s,
    const std::vector<ContextElem> & context)
{
    nix::PathSet encoded;
    for (auto & e : context) {
        switch (e.kind) {
        case ContextElem::Opaque: encoded.insert(e.path); break;
        case ContextElem::Built: encoded.insert("!" + e.output + "!" + e.path); break;
        case ContextElem::DrvDeep: encoded.insert("=" + e.path); break;
        }
    }
    v.mkString(s, encoded);
}

// mkList sets v to a list of n elements, calling fill(i, element) to set
// each. The list is allocated first, so every element is reachable by the
// garbage collector while the later ones are made.
// Newer Nix (2.19+): `auto list = state.buildList(n); …; v.mkList(list)`.
template<typename Fill>
void mkList(nix::EvalState & state, nix::Value & v, size_t n, Fill fill)
{
    state.mkList(v, n);
    for (size_t i = 0; i < n; ++i)
        fill(i, *(v.listElems()[i] = state.allocValue()));
}

// GcValueMap maps keys to values kept alive by the garbage collector, for
// values not yet reachable from the result being built.
// Newer Nix (2.28+): the macro is NIX_USE_BOEHMGC from nix/expr/config.hh.
#if HAVE_BOEHMGC
template<typename K>
using GcValueMap = std::map<K, nix::Value *, std::less<K>, traceable_allocator<std::pair<const K, nix::Value *>>>;
#else
template<typename K>
using GcValueMap = std::map<K, nix::Value *>;
#endif

// coerceToString coerces v to a string the way string interpolation does
// (derivations to their outPath, paths copied to the store), appending its
// context to context.
// Newer Nix (2.13+): takes an `errorCtx` string; 2.16+ a `NixStringContext`.
inline std::string coerceToString(nix::EvalState & state, PrimOpPos pos, nix::Value & v, Context & context)
{
    return state.coerceToString(pos, v, context, false, true).toOwned();
}

// coerceToPath coerces v to an absolute path without copying it to the
// store, appending its context to context.
// Newer Nix (2.16+): returns a `SourcePath`, takes an `errorCtx` string.
inline nix::Path coerceToPath(nix::EvalState & state, PrimOpPos pos, nix::Value & v, Context & context)
{
    return state.coerceToPath(pos, v, context);
}

// realisePath makes the path p (with context) usable by a program outside
// the evaluator: it builds the derivation outputs in its context (IFD,
// refused when allow-import-from-derivation is off) and checks access in
// pure and restricted mode. It is primops.cc's static realisePath.
// Newer Nix: `state.realiseContext` takes a `NixStringContext`;
// `checkSourcePath` is gone (2.20+, source accessors do the checking).
inline nix::Path realisePath(nix::EvalState & state, const nix::Path & p, const Context & context)
{
    auto rewrites = state.realiseContext(context);
    return state.checkSourcePath(state.toRealPath(nix::rewriteStrings(p, rewrites), context));
}

// realiseContext builds the derivation outputs in context and returns the
// rewrites from placeholders to realised paths.
// Newer Nix: takes a `NixStringContext` (and optionally collects the paths).
inline nix::StringMap realiseContext(nix::EvalState & state, const Context & context)
{
    return state.realiseContext(context);
}

// hexOf is a hash in lowercase hex without the type prefix.
// Newer Nix (2.20+): `to_string(HashFormat::Base16, false)`.
inline std::string hexOf(const nix::Hash & h)
{
    return h.to_string(nix::Base16, false);
}

// readOnlyMode is whether the store must not be written to
// (`nix-instantiate --eval`), so paths are computed but not added.
// Newer Nix (2.19+): `settings.readOnlyMode` is gone; such commands use a
// `dummy://`-like store and the add functions compute paths.
inline bool readOnlyMode()
{
    return nix::settings.readOnlyMode;
}

// addSourceToStore adds the files below root admitted by filter to the store
// as the recursive sha256 "source" path name, or only computes its path in
// read-only mode. The path is then readable in restricted mode.
// Newer Nix: `addToStore` and `computeStorePath` take a `SourcePath`
// (accessor + path) and a `ContentAddressMethod`; `computeStorePathForPath`
// is gone (2.20+).
inline nix::StorePath addSourceToStore(nix::EvalState & state, std::string_view name,
    const nix::Path & root, nix::PathFilter & filter)
{
    auto path = readOnlyMode()
        ? state.store->computeStorePathForPath(name, root, nix::FileIngestionMethod::Recursive,
            nix::htSHA256, filter).first
        : state.store->addToStore(name, root, nix::FileIngestionMethod::Recursive,
            nix::htSHA256, filter, state.repair);
    state.allowPath(path);
    return path;
}

// parseDerivation parses the ATerm text of the derivation called name.
// Newer Nix (2.20+): also takes `experimentalFeatureSettings`.
inline nix::Derivation parseDerivation(nix::EvalState & state, std::string aterm, std::string_view name)
{
    return nix::parseDerivation(*state.store, std::move(aterm), name);
}

// writeDerivation writes drv to the store (only computes its path in
// read-only mode) and returns the .drv path.
// Newer Nix: the `readOnly` flag is gone with `settings.readOnlyMode`.
inline nix::StorePath writeDerivation(nix::EvalState & state, const nix::Derivation & drv)
{
    return nix::writeDerivation(*state.store, drv, state.repair, readOnlyMode());
}

// staticOutputPaths is what Nix itself computes for each output of drv: for
// input-addressed outputs makeOutputPath over hashDerivationModulo with the
// outputs masked (as derivationStrict does), for fixed outputs the path made
// from their hash. Outputs without a static path (content-addressed floating,
// impure, deferred) are absent.
// Newer Nix: `DrvHash` is unchanged up to 2.34; master returns a
// `DrvHashModulo` variant.
inline std::map<std::string, nix::StorePath> staticOutputPaths(nix::EvalState & state, const nix::Derivation & drv)
{
    std::map<std::string, nix::StorePath> paths;
    std::optional<nix::DrvHash> masked;
    for (auto & [name, output] : drv.outputs) {
        if (std::get_if<nix::DerivationOutput::InputAddressed>(&output.raw())) {
            if (!masked)
                masked = nix::hashDerivationModulo(*state.store, drv, true);
            if (masked->kind == nix::DrvHash::Kind::Regular)
                paths.insert_or_assign(name, state.store->makeOutputPath(name, masked->hashes.at(name), drv.name));
        } else if (auto p = output.path(*state.store, drv.name, name))
            paths.insert_or_assign(name, *p);
    }
    return paths;
}

// recordDrvHash memoises hashDerivationModulo(drv) for drvPath in Nix's
// global drvHashes, exactly as derivationStrict does. Without it, read-only
// evaluation of anything depending on drvPath fails with "opening file
// …drv", because the .drv was never written.
// Newer Nix: the same `drvHashes` memo exists up to 2.34.
inline void recordDrvHash(nix::EvalState & state, const nix::StorePath & drvPath, const nix::Derivation & drv)
{
    auto h = nix::hashDerivationModulo(*state.store, drv, false);
    nix::drvHashes.lock()->insert_or_assign(drvPath, h);
}

// drvHashModulo is hashDerivationModulo(drv, mask=false) for output of the
// derivation at drvPath: from the drvHashes memo when the derivation was
// instantiated in this process (its .drv may not exist in read-only mode),
// otherwise read from the store and memoised. It throws if the derivation's
// outputs are not statically known (content-addressed).
// Newer Nix: see recordDrvHash.
inline nix::Hash drvHashModulo(nix::EvalState & state, PrimOpPos pos, const nix::StorePath & drvPath,
    const std::string & output)
{
    std::optional<nix::DrvHash> h;
    {
        auto memo = nix::drvHashes.lock();
        if (auto i = memo->find(drvPath); i != memo->end())
            h = i->second;
    }
    if (!h) {
        auto drv = state.store->readDerivation(drvPath);
        h = nix::hashDerivationModulo(*state.store, drv, false);
        nix::drvHashes.lock()->insert_or_assign(drvPath, *h);
    }
    if (h->kind != nix::DrvHash::Kind::Regular)
        throwError(state, pos, "derivation '%s' has content-addressed outputs, which builtins.goPackageGraph does not support",
            state.store->printStorePath(drvPath));
    auto i = h->hashes.find(output);
    if (i == h->hashes.end())
        throwError(state, pos, "derivation '%s' has no output '%s'", state.store->printStorePath(drvPath), output);
    return i->second;
}

}
