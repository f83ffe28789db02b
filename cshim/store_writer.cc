// store_writer.cc: adding a plan's sources and derivations to the store,
// and the derivation hashes (hashDerivationModulo) Nix memoises for them.
#include <filesystem>
#include <set>

#include "plan.hh"

namespace gograph {

// readOnlyMode is whether the store must not be written to
// (`nix-instantiate --eval`), so paths are computed but not added.
static bool readOnlyMode()
{
    return nix::settings.readOnlyMode;
}

// addSourceToStore adds the files below root admitted by filter to the store
// as the recursive sha256 path called name, or only computes its path in
// read-only mode. root is read directly from the file system, as the
// planner read it. The path is then readable in restricted mode.
static nix::StorePath addSourceToStore(nix::EvalState & state, std::string_view name, const std::string & root,
    nix::PathFilter & filter)
{
    auto storePath = addPathToStore(state, name, root, filter, readOnlyMode());
    state.allowPath(storePath);
    return storePath;
}

// staticOutputPaths is what Nix itself computes for each output of drv: for
// input-addressed outputs makeOutputPath over hashDerivationModulo with the
// outputs masked (as derivationStrict does), for fixed outputs the path made
// from their hash. Outputs without a static path (content-addressed floating,
// impure, deferred) are absent.
static std::map<std::string, nix::StorePath> staticOutputPaths(nix::EvalState & state, const nix::Derivation & drv)
{
    std::map<std::string, nix::StorePath> paths;
    std::optional<nix::DrvHash> masked;
    for (auto & [name, output] : drv.outputs) {
        if (outputIs<nix::DerivationOutput::InputAddressed>(output)) {
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
static void recordDrvHash(nix::EvalState & state, const nix::StorePath & drvPath, const nix::Derivation & drv)
{
    memoiseDrvHash(drvPath, nix::hashDerivationModulo(*state.store, drv, false));
}

nix::Hash drvHashModulo(nix::EvalState & state, PrimOpPos pos, const nix::StorePath & drvPath,
    const std::string & output)
{
    auto h = memoisedDrvHash(drvPath);
    if (!h) {
        h = nix::hashDerivationModulo(*state.store, state.store->readDerivation(drvPath), false);
        memoiseDrvHash(drvPath, *h);
    }
    if (h->kind != nix::DrvHash::Kind::Regular)
        throwError(state, pos, "derivation '%s' has content-addressed outputs, which builtins.goPackageGraph does not support",
            state.store->printStorePath(drvPath));
    auto i = h->hashes.find(output);
    if (i == h->hashes.end())
        throwError(state, pos, "derivation '%s' has no output '%s'", state.store->printStorePath(drvPath), output);
    return i->second;
}

// writeSource adds src to the store as a recursive sha256 "source" path
// holding exactly src.files and the directories leading to them.
static void writeSource(nix::EvalState & state, PrimOpPos pos, const PlannedSource & src)
{
    // A module the planner found already in the store (and checked against
    // go.sum) needs no second hashing.
    if (src.root == src.path) {
        if (state.store->isValidPath(state.store->parseStorePath(src.path)))
            return;
        // The directory is there but not valid: a garbage collection is
        // removing it (or was interrupted; the next one removes it), and
        // once it is gone the module is fetched again. Or the store is not
        // the one on this file system (a chroot store): the planner found
        // the module in /nix/store.
        throwError(state, pos, "builtins.goPackageGraph: the store path '%s' of %s exists but is not valid "
            "in this store (a garbage collection is removing it, or was interrupted: run 'nix-store --gc' and "
            "evaluate again; or this store is not /nix/store on this file system, e.g. --store local?root=…: "
            "copy the module into it with nix copy)",
            src.path, src.name);
    }
    // Paths are std::string, whatever type nix::canonPath returns (compat.hh).
    std::string root = nix::canonPath(src.root);
    std::set<std::string> admitted;
    for (auto & file : src.files) {
        std::string path = nix::canonPath(root + "/" + file);
        if (!nix::hasPrefix(path, root + "/"))
            throwInternalError(state, pos, "file '%s' of source '%s' is not below '%s'", file, src.name, root);
        if (!nix::pathExists(path))
            throwInternalError(state, pos, "file '%s' of source '%s' does not exist", path, src.name);
        for (; path != root; path = std::filesystem::path(path).parent_path())
            admitted.insert(path);
    }
    nix::PathFilter filter = [&](const std::string & path) { return admitted.count(path) > 0; };
    auto path = state.store->printStorePath(addSourceToStore(state, src.name, root, filter));
    if (path != src.path)
        throwInternalError(state, pos, "source '%s' from '%s' is '%s' in the store, but the planner computed '%s'",
            src.name, root, path, src.path);
}

// checkOutputs checks that the outputs of drv, written as drvPath, are
// those Nix computes and those the planner announced: a static path where
// Nix computes one, and where it does not (floating content-addressed or
// deferred, as derivationStrict makes them) the placeholder that stands for
// the output until it is built, with the output's environment variable as
// derivationStrict sets it.
static void checkOutputs(nix::EvalState & state, PrimOpPos pos, const PlannedDerivation & planned,
    const nix::StorePath & drvPath, const nix::Derivation & drv)
{
    auto computed = staticOutputPaths(state, drv);
    std::optional<nix::DrvHash> masked;
    for (auto & [name, output] : drv.outputs) {
        std::string path, env;
        if (auto c = computed.find(name); c != computed.end())
            path = env = state.store->printStorePath(c->second);
        else if (outputIs<nix::DerivationOutput::CAFloating>(output)) {
            path = caOutputPlaceholder(state, drvPath, name);
            env = nix::hashPlaceholder(name);
        } else if (outputIs<nix::DerivationOutput::Deferred>(output)) {
            if (!masked)
                masked = nix::hashDerivationModulo(*state.store, drv, true);
            if (masked->kind != nix::DrvHash::Kind::Deferred)
                throwInternalError(state, pos, "output '%s' of derivation '%s' is deferred, but it depends on no "
                    "content-addressed derivation", name, planned.drvPath);
            path = caOutputPlaceholder(state, drvPath, name);
        } else
            throwInternalError(state, pos, "output '%s' of derivation '%s' has no static path", name, planned.drvPath);
        auto p = planned.outputs.find(name);
        if (p == planned.outputs.end() || p->second != path)
            throwInternalError(state, pos, "output '%s' of derivation '%s' is '%s', but the planner announced '%s'",
                name, planned.drvPath, path, p == planned.outputs.end() ? "nothing" : p->second);
        if (auto e = drv.env.find(name); e == drv.env.end() || e->second != env)
            throwInternalError(state, pos, "derivation '%s' does not set the environment variable '%s' as Nix would",
                planned.drvPath, name);
    }
    if (planned.outputs.size() != drv.outputs.size())
        throwInternalError(state, pos, "the planner announced %d outputs for derivation '%s', which has %d",
            planned.outputs.size(), planned.drvPath, drv.outputs.size());
    // The order `derivation` lists them in: its "outputs", or just "out".
    std::vector<std::string> order = {"out"};
    if (auto listed = drv.env.find("outputs"); listed != drv.env.end())
        order = nix::tokenizeString<std::vector<std::string>>(listed->second);
    if (planned.outputNames != order || order.size() != drv.outputs.size())
        throwInternalError(state, pos, "the planner announced the outputs '%s' for derivation '%s', which lists '%s'",
            nix::concatStringsSep(" ", planned.outputNames), planned.drvPath, nix::concatStringsSep(" ", order));
}

// writeDerivation writes the planned derivation, checks its path and its
// outputs, and memoises its hash for derivations depending on it.
static void writeDerivation(nix::EvalState & state, PrimOpPos pos, const PlannedDerivation & planned)
{
    std::optional<nix::Derivation> drv;
    try {
        drv = nix::parseDerivation(*state.store, std::string(planned.aterm), planned.name);
    } catch (nix::Error & e) {
        throwInternalError(state, pos, "derivation '%s' is not valid: %s", planned.drvPath, e.info().msg.str());
    }
    // (Checked once written: outputs that are placeholders name the path.
    // A derivation failing the checks is left in the store unused.)
    auto drvPath = writeDerivation(state, *drv, readOnlyMode());
    if (state.store->printStorePath(drvPath) != planned.drvPath)
        throwInternalError(state, pos, "derivation '%s' was written to '%s'", planned.drvPath,
            state.store->printStorePath(drvPath));
    checkOutputs(state, pos, planned, drvPath, *drv);
    recordDrvHash(state, drvPath, *drv);
}

void writePlan(nix::EvalState & state, PrimOpPos pos, const Plan & plan)
{
    for (auto & src : plan.sources)
        writeSource(state, pos, src);
    for (auto & drv : plan.derivations)
        writeDerivation(state, pos, drv);
}

}
