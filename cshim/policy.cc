// policy.cc: the request's "policy" (docs/abi.md), filled from Nix's settings
// and never from the user's attributes: what planning may do.
#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "plan.hh"
#include "settings.hh"

namespace gograph {

// pluginDirectory is the directory of the loaded libnix-gograph.so, found
// from the address of this very function, with symlinks resolved (a profile
// links the plugin, not its neighbours).
static std::string pluginDirectory()
{
    Dl_info info;
    if (!dladdr(reinterpret_cast<void *>(&pluginDirectory), &info) || !info.dli_fname)
        throw nix::Error("nix-gograph: cannot find where the plugin was loaded from");
    std::error_code ec;
    auto so = std::filesystem::canonical(info.dli_fname, ec);
    if (ec)
        so = std::filesystem::absolute(info.dli_fname);
    return so.parent_path().string();
}

// sandboxHelper is the gograph-sandbox program installed next to the plugin.
static const std::string & sandboxHelper()
{
    static const std::string helper = pluginDirectory() + "/gograph-sandbox";
    return helper;
}

// toolchainClosure is the closure of the store paths holding toolchains (a
// path below a store path counts as that store path). Paths outside the
// store are left to the planner, which refuses them with a clearer message.
static std::vector<std::string> toolchainClosure(nix::EvalState & state, PrimOpPos pos,
    const std::vector<std::string> & toolchains)
{
    auto & store = *state.store;
    nix::StorePathSet roots, closure;
    for (auto & path : toolchains)
        if (store.isInStore(path))
            roots.insert(store.toStorePath(path).first);
    withErrorContext(state, pos,
        "while computing the closure of the toolchains for the planning sandbox of builtins.goPackageGraph",
        [&] { store.computeFSClosure(roots, closure); });
    std::vector<std::string> paths;
    for (auto & path : closure)
        paths.push_back(store.printStorePath(path));
    std::sort(paths.begin(), paths.end());
    return paths;
}

nlohmann::json planPolicy(nix::EvalState & state, PrimOpPos pos, const std::vector<std::string> & toolchains)
{
    auto & eval = evalSettings(state);
    std::vector<std::string> allowedUris;
    for (auto & uri : eval.allowedUris.get()) {
        if (!isValidUtf8(uri))
            throwError(state, pos, "builtins.goPackageGraph: the setting 'allowed-uris' holds '%s', "
                "which is not valid UTF-8", uri);
        allowedUris.push_back(uri);
    }
    if (!isValidUtf8(sandboxHelper()))
        throwError(state, pos, "builtins.goPackageGraph: the plugin's directory ('%s') is not valid UTF-8",
            sandboxHelper());
    return {
        {"sandbox", pluginSettings.sandbox.get()},
        {"sandboxHelper", sandboxHelper()},
        {"storePaths", toolchainClosure(state, pos, toolchains)},
        // `nix --offline` sets no flag of its own that a plugin can read;
        // it sets tarball-ttl to the largest value unless it was given
        // (2.8 and 2.34 alike), which is what Nix's own fetchers obey.
        {"offline", tarballTtl(state) == std::numeric_limits<unsigned int>::max()},
        // pure-eval is not sent: what it forbids planning (running a `go`
        // or `cc` Nix may not read) is checked by request.cc.
        {"restrictEval", eval.restrictEval.get()},
        {"allowedUris", allowedUris},
        {"planCache", pluginSettings.planCache.get()},
    };
}

}
