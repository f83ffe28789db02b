// plan.hh: the steps of builtins.goPackageGraph shared by the plugin and the
// shim: Nix argument → request JSON → Go planner → store writes → Nix value.
// The JSON formats are specified in docs/abi.md.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compat.hh"

namespace gograph {

// PlannedSource is a "sources" entry of a planner response: a store path made
// of some files below root.
struct PlannedSource {
    std::string name;
    std::string root;
    std::vector<std::string> files;  // relative to root, '/'-separated
    std::string path;                // the store path the planner computed
};

// PlannedDerivation is a "derivations" entry of a planner response.
struct PlannedDerivation {
    std::string name;
    std::string drvPath;
    std::string aterm;                           // the exact .drv text
    std::map<std::string, std::string> outputs;  // output name → store path or placeholder
    std::vector<std::string> outputNames;        // in the order of the derivation's "outputs"
};

// TempDirs removes the planner's scratch directories (downloaded modules the
// sources point into) when the primop is done with them, also on errors and
// interruption. Only directories named gograph-* are removed. It can be moved
// but not copied, so each directory is removed once. (temp_dirs.cc)
struct TempDirs {
    std::vector<std::string> dirs;
    TempDirs() = default;
    TempDirs(const TempDirs &) = delete;
    TempDirs & operator=(const TempDirs &) = delete;
    TempDirs(TempDirs && other) noexcept : dirs(std::move(other.dirs)) { other.dirs.clear(); }
    TempDirs & operator=(TempDirs &&) = delete;
    ~TempDirs();
};

// Plan is the "ok" half of a planner response.
struct Plan {
    TempDirs tempDirs;                           // the planner's scratch, removed with the plan
    std::vector<PlannedSource> sources;
    std::vector<PlannedDerivation> derivations;  // inputs first
    nlohmann::json value;                        // tagged JSON, see jsonToValue
    std::vector<std::string> messages;           // details, for -v
    std::vector<std::string> notices;            // what the user should see (module downloads)
};

// planRequest turns the argument of builtins.goPackageGraph into the request
// JSON, forcing and checking every attribute and realising the context of
// `src` and `go`. (request.cc)
nlohmann::json planRequest(nix::EvalState & state, PrimOpPos pos, nix::Value & arg);

// planPolicy is the request's "policy": what Nix's settings allow planning
// to do, with the closure of toolchains (the realised `go` and `cc` paths)
// as the store paths the sandbox shows. (policy.cc)
nlohmann::json planPolicy(nix::EvalState & state, PrimOpPos pos, const std::vector<std::string> & toolchains);

// isValidUtf8 is whether s is well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), which JSON strings must be. (utf8.cc)
bool isValidUtf8(std::string_view s);

// callPlanner sends request to the Go planner and returns its plan; an error
// response is thrown as a Nix error, and an interruption of Nix (SIGINT)
// while Go plans cancels the plan and throws Nix's own Interrupted.
// (go_call.cc)
Plan callPlanner(nix::EvalState & state, PrimOpPos pos, const nlohmann::json & request);

// parsePlan reads the "ok" object of a planner response; its tempDirs are
// taken first, so they are removed even if the rest is malformed. (plan.cc)
Plan parsePlan(const nlohmann::json & ok);

// writePlan adds the plan's sources and derivations to the store (or only
// computes their paths in read-only mode), checking that every path equals
// the one the planner computed. (store_writer.cc)
void writePlan(nix::EvalState & state, PrimOpPos pos, const Plan & plan);

// drvHashModulo is hashDerivationModulo(drv, mask=false) for output of the
// derivation at drvPath: from Nix's drvHashes memo when the derivation was
// instantiated in this process (its .drv may not exist in read-only mode),
// otherwise read from the store and memoised. It throws if the derivation's
// outputs are not statically known (content-addressed). (store_writer.cc)
nix::Hash drvHashModulo(nix::EvalState & state, PrimOpPos pos, const nix::StorePath & drvPath,
    const std::string & output);

// jsonToValue sets v to the plan's value, turning the tagged objects of
// docs/abi.md into strings with context and derivation attribute sets.
// (json_value.cc)
void jsonToValue(nix::EvalState & state, PrimOpPos pos, const Plan & plan, nix::Value & v);

// throwInternalError reports a broken promise between the planner and the
// shim: a bug in nix-gograph, not in the user's code.
template<typename... Args>
[[noreturn]] void throwInternalError(nix::EvalState & state, PrimOpPos pos, const std::string & fs, const Args & ... args)
{
    throwError(state, pos, "builtins.goPackageGraph: internal error: " + fs, args...);
}

}
