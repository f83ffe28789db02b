// output_of.cc: builtins.gographOutputOf, RFC 92's builtins.outputOf where
// Nix has it, emulated with import-from-derivation where it does not.
#include "compat.hh"

namespace gograph {

// DrvReference is the first argument of builtins.gographOutputOf: a string
// whose context has exactly one element, which names a .drv file (an opaque
// .drv path, or an output of a derivation that produces one).
struct DrvReference {
    std::string s;
    Context context;
};

// drvReference coerces the first argument (a derivation to its outPath, a
// string as it is) and checks that its context names one store object.
static DrvReference drvReference(nix::EvalState & state, PrimOpPos pos, nix::Value & arg)
{
    forceValue(state, arg, pos);
    bool drvLike = arg.type() == nix::nAttrs && attrsOf(arg)->get(state.symbols.create("outPath"));
    if (arg.type() != nix::nString && !drvLike)
        throwError<nix::TypeError>(state, pos,
            "builtins.gographOutputOf takes a derivation or a string with context as its first argument, but got %s",
            arg.type() == nix::nAttrs ? "a set without 'outPath'" : nix::showType(arg));
    DrvReference ref;
    ref.s = coerceToString(state, pos, arg, ref.context,
        "while evaluating the first argument passed to builtins.gographOutputOf");
    if (ref.context.empty())
        throwError<nix::TypeError>(state, pos,
            "the string '%s' passed to builtins.gographOutputOf refers to no derivation (it has no string context); "
            "pass the derivation producing a .drv file, or a string derived from one", ref.s);
    if (ref.context.size() != 1)
        throwError<nix::TypeError>(state, pos,
            "the string '%s' passed to builtins.gographOutputOf refers to %d store paths; it must refer to exactly one",
            ref.s, ref.context.size());
    return ref;
}

// outputName is the second argument: an output name, a plain string.
static std::string outputName(nix::EvalState & state, PrimOpPos pos, nix::Value & arg)
{
    forceValue(state, arg, pos);
    if (arg.type() != nix::nString)
        throwError<nix::TypeError>(state, pos,
            "the output name passed to builtins.gographOutputOf must be a string, but it is %s", nix::showType(arg));
    if (hasContext(arg))
        throwError<nix::TypeError>(state, pos,
            "the output name '%s' passed to builtins.gographOutputOf must not refer to a store path", stringOf(arg));
    return std::string(stringOf(arg));
}

// checkNamesDrv checks, before anything is built, that elem can name a
// derivation: a .drv path, or a derivation output whose path name ends in
// .drv (what Nix requires of a derivation in the store).
static void checkNamesDrv(nix::EvalState & state, PrimOpPos pos, const DrvReference & ref, const ContextElem & elem)
{
    switch (elem.kind) {
    case ContextElem::Opaque:
        if (!nix::hasSuffix(elem.path, ".drv"))
            throwError<nix::TypeError>(state, pos,
                "'%s' passed to builtins.gographOutputOf is neither a derivation (.drv) nor an output of one", ref.s);
        return;
    case ContextElem::DrvDeep:
        throwError<nix::TypeError>(state, pos,
            "the string passed to builtins.gographOutputOf refers to the derivation '%s' with its whole closure "
            "(a drvPath); pass the derivation itself, whose output is the .drv file to use", elem.path);
    case ContextElem::Built: {
        // nameFromPath returns a view into its argument: keep the path alive.
        auto drvPath = state.store->parseStorePath(elem.path);
        auto drvName = nix::Derivation::nameFromPath(drvPath);
        auto name = nix::outputPathName(drvName, elem.output);
        if (!nix::hasSuffix(name, ".drv"))
            throwError(state, pos,
                "output '%s' of derivation '%s' is not a derivation: its name '%s' does not end in '.drv', "
                "but builtins.gographOutputOf needs a derivation that produces a derivation",
                elem.output, elem.path, name);
        return;
    }
    }
}

// realisedOutputPath is the path of output of drvPath in the store once it
// is built, if known.
static std::optional<nix::StorePath> realisedOutputPath(nix::EvalState & state, const nix::StorePath & drvPath,
    const std::string & output)
{
    auto outputs = state.store->queryPartialDerivationOutputMap(drvPath);
    auto i = outputs.find(output);
    return i == outputs.end() ? std::nullopt : i->second;
}

// realiseProduced builds what ref refers to, as import-from-derivation does
// (refused when allow-import-from-derivation is off), and returns the path
// of the .drv file it is.
static nix::StorePath realiseProduced(nix::EvalState & state, PrimOpPos pos, const DrvReference & ref,
    const ContextElem & elem)
{
    auto rewrites = realiseContext(state, pos, ref.context,
        "while building the derivation that builtins.gographOutputOf reads a derivation from");
    auto path = nix::rewriteStrings(ref.s, rewrites);
    std::string expected = elem.path;
    if (elem.kind == ContextElem::Built) {
        auto built = realisedOutputPath(state, state.store->parseStorePath(elem.path), elem.output);
        if (!built)
            throwError(state, pos, "output '%s' of derivation '%s' has no path after building it", elem.output, elem.path);
        expected = state.store->printStorePath(*built);
    }
    if (path != expected)
        throwError<nix::TypeError>(state, pos,
            "the string '%s' passed to builtins.gographOutputOf is not the path '%s' that its context refers to",
            ref.s, expected);
    return state.store->parseStorePath(path);
}

// describe names the derivation drvPath that elem refers to, for errors.
static std::string describe(nix::EvalState & state, const ContextElem & elem, const nix::StorePath & drvPath)
{
    auto path = "'" + state.store->printStorePath(drvPath) + "'";
    if (elem.kind != ContextElem::Built)
        return path;
    return path + " (output '" + elem.output + "' of '" + elem.path + "')";
}

// readProduced reads the derivation at drvPath (what elem refers to).
static nix::Derivation readProduced(nix::EvalState & state, PrimOpPos pos, const ContextElem & elem,
    const nix::StorePath & drvPath)
{
    try {
        return state.store->readDerivation(drvPath);
    } catch (nix::Error & e) {
        throwError(state, pos, "%s is not a derivation that builtins.gographOutputOf can read: %s",
            describe(state, elem, drvPath), e.info().msg.str());
    }
}

// outputPath is the path of output of the derivation at drvPath (what elem
// refers to): its static path, or a placeholder if it is content-addressed
// (what its outPath is then).
static std::string outputPath(nix::EvalState & state, PrimOpPos pos, const ContextElem & elem,
    const nix::StorePath & drvPath, const std::string & output)
{
    auto drv = readProduced(state, pos, elem, drvPath);
    auto i = drv.outputs.find(output);
    if (i == drv.outputs.end()) {
        std::vector<std::string> names;
        for (auto & o : drv.outputs)
            names.push_back("'" + o.first + "'");
        throwError(state, pos, "derivation %s has no output '%s'; its outputs are %s",
            describe(state, elem, drvPath), output, nix::concatStringsSep(", ", names));
    }
    if (auto path = i->second.path(*state.store, drv.name, output))
        return state.store->printStorePath(*path);
    return caOutputPlaceholder(state, drvPath, output);
}

// emulateOutputOf is builtins.outputOf for a Nix without dynamic
// derivations: it builds the producing derivation now, reads the derivation
// it produced and returns that one's output, with a context that makes a
// derivation using the result build it.
static void emulateOutputOf(nix::EvalState & state, PrimOpPos pos, const DrvReference & ref, const ContextElem & elem,
    const std::string & output, nix::Value & v)
{
    auto drvPath = realiseProduced(state, pos, ref, elem);
    auto path = outputPath(state, pos, elem, drvPath, output);
    mkStringWithContext(state, v, path, {{ContextElem::Built, state.store->printStorePath(drvPath), output}});
}

// callOutputOf returns builtins.outputOf ref output.
static void callOutputOf(nix::EvalState & state, PrimOpPos pos, nix::Value & outputOf, const DrvReference & ref,
    nix::Value & output, nix::Value & v)
{
    auto drv = state.allocValue();
    mkString(state, *drv, ref.s, ref.context);
    withErrorContext(state, pos, "while calling builtins.outputOf for builtins.gographOutputOf",
        [&] { callFunction(state, pos, outputOf, {drv, &output}, v); });
}

// prim_gographOutputOf returns the path of an output of a derivation that
// another derivation produces (RFC 92).
static void prim_gographOutputOf(nix::EvalState & state, PrimOpPos pos, nix::Value ** args, nix::Value & v)
{
    auto ref = drvReference(state, pos, *args[0]);
    auto output = outputName(state, pos, *args[1]);
    auto outputOf = builtinOutputOf(state);
    if (isDynamicOutput(*ref.context.begin())) {
        if (!outputOf)
            throwError(state, pos, "'%s' passed to builtins.gographOutputOf is an output of a dynamic derivation, "
                "which needs the dynamic-derivations experimental feature", ref.s);
        return callOutputOf(state, pos, *outputOf, ref, *args[1], v);
    }
    auto elem = parseContext(state, pos, ref.context).front();
    checkNamesDrv(state, pos, ref, elem);
    if (!outputOf)
        return emulateOutputOf(state, pos, ref, elem, output, v);
    // builtins.outputOf reads an existing .drv too; check the output first
    // to name the ones it has.
    if (elem.kind == ContextElem::Opaque)
        outputPath(state, pos, elem, state.store->parseStorePath(elem.path), output);
    callOutputOf(state, pos, *outputOf, ref, *args[1], v);
}

static const bool primop_gographOutputOf = registerPrimOp({
    .name = "__gographOutputOf",
    .args = {"drv", "outputName"},
    .doc = R"(
      Return the path of output *outputName* of the derivation that *drv*
      produces (RFC 92 dynamic derivations). *drv* is a derivation whose
      output is a `.drv` file, or a string naming a `.drv` file with its
      context, such as the result of another `gographOutputOf`; so chains
      like `gographOutputOf (gographOutputOf gen "out") "out"` work.

      Where Nix has `builtins.outputOf` (the `dynamic-derivations`
      experimental feature is enabled), this is `builtins.outputOf
      drv.outPath outputName`: a placeholder, and whatever uses it builds
      *drv* and the derivation it produces. Otherwise *drv* is built now,
      as import-from-derivation does (refused when
      `allow-import-from-derivation` is off), the derivation it produced is
      read from the store, and the result is the path of its output
      *outputName*, with a context that makes a derivation using it build
      that output.

      Example:

      ```nix
      derivation {
        name = "uses-generated";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        args = [ "-c" "cp ${builtins.gographOutputOf generator "out"} $out" ];
      }
      ```
    )",
    .fun = prim_gographOutputOf,
});

}
