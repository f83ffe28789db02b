// go_call.cc: the one place that calls into Go (build/libgobridge.h).
#include <cstdlib>

#include "libgobridge.h"
#include "plan.hh"

namespace gograph {

// planResponse returns the planner's JSON response to request. The planner
// is created on first use and lives for the rest of the process.
//
// Debugging aids: with -vvvv the request is logged; if the environment
// variable GOGRAPH_DEBUG_RESPONSE names a file, its contents are the response
// and Go is not called, which exercises the store-writing and value-building
// half of the shim with a hand-written response.
static std::string planResponse(const nlohmann::json & request)
{
    if (nix::verbosity >= nix::lvlDebug)
        nix::logger->log(nix::lvlDebug, "builtins.goPackageGraph: request " + request.dump());
    if (auto debugFile = getenv("GOGRAPH_DEBUG_RESPONSE"))
        return nix::readFile(debugFile);
    static void * planner = GoGraphNewPlanner();
    auto requestText = request.dump();
    char * response = GoGraphPlan(planner, requestText.data());
    std::string text(response);
    GoGraphFree(response);
    return text;
}

// throwPlannerError throws a planner {"error": …} as a Nix error: a
// ThrownError (catchable by builtins.tryEval) for problems with the user's
// Go code or arguments, an EvalError for internal failures.
[[noreturn]] static void throwPlannerError(nix::EvalState & state, PrimOpPos pos, const nlohmann::json & error)
{
    std::string kind = error.at("kind");
    std::string msg = "builtins.goPackageGraph: ";
    if (auto arg = error.find("argument"); arg != error.end() && !arg->get<std::string>().empty())
        msg += "argument '" + arg->get<std::string>() + "': ";
    msg += error.at("message").get<std::string>();
    if (auto pkg = error.find("package"); pkg != error.end()) {
        auto p = pkg->get<std::string>();
        if (!p.empty() && msg.find(p) == std::string::npos)
            msg += " (in package '" + p + "')";
    }
    if (kind == "internal")
        throwError(state, pos, "%s", msg);
    throwError<nix::ThrownError>(state, pos, "%s", msg);
}

Plan callPlanner(nix::EvalState & state, PrimOpPos pos, const nlohmann::json & request)
{
    auto text = planResponse(request);
    try {
        auto response = nlohmann::json::parse(text);
        if (auto error = response.find("error"); error != response.end())
            throwPlannerError(state, pos, *error);
        return parsePlan(response.at("ok"));
    } catch (nlohmann::json::exception & e) {
        throwInternalError(state, pos, "malformed planner response (%s): %s", e.what(),
            text.size() > 200 ? text.substr(0, 200) + "…" : text);
    }
}

}
