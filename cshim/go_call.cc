// go_call.cc: the one place that calls into Go (build/libgobridge.h), and
// the progress callback Go calls back while it plans.
#include <algorithm>
#include <map>
#include <mutex>

#include "libgobridge.h"
#include "plan.hh"

namespace gograph {

// progressSteps are the planning steps Go began and has not ended, by the
// number Go gave them (unique in the process).
static std::mutex progressMutex;
static std::map<unsigned long long, ProgressStep> progressSteps;

// reportProgress is the GoGraphProgressFn the shim gives GoGraphPlan (see
// docs/abi.md, "Progress"): Go calls it from its own threads, during
// GoGraphPlan only, to start and stop the steps Nix's logger shows. Nothing
// may be thrown back into Go: a report that fails is dropped.
static void reportProgress(int event, unsigned long long step, int level, const char * text) noexcept
{
    try {
        std::lock_guard<std::mutex> lock(progressMutex);
        if (event == GoGraphStepStart) {
            auto lvl = (nix::Verbosity) std::clamp(level, (int) nix::lvlError, (int) nix::lvlVomit);
            progressSteps.insert_or_assign(step, startProgressStep(lvl, text ? text : ""));
        } else if (event == GoGraphStepStop)
            progressSteps.erase(step);
    } catch (...) {
    }
}

// requestText is request as JSON text. request.cc refuses strings JSON
// cannot hold (not UTF-8) naming the attribute; should one get through, the
// error still names the request field holding it, not nlohmann's exception.
static std::string requestText(nix::EvalState & state, PrimOpPos pos, const nlohmann::json & request)
{
    try {
        return request.dump();
    } catch (nlohmann::json::exception &) {
        for (auto & [field, value] : request.items()) {
            try {
                value.dump();
            } catch (nlohmann::json::exception &) {
                throwError<nix::TypeError>(state, pos,
                    "the '%s' attribute passed to builtins.goPackageGraph cannot be sent to the planner: "
                    "it holds a string that is not valid UTF-8", field);
            }
        }
        throwInternalError(state, pos, "the request cannot be encoded as JSON");
    }
}

// planResponse returns the planner's JSON response to request. The planner
// is created on first use and lives for the rest of the process. While Go
// plans, a SIGINT to Nix cancels the plan (see GoGraphInterrupt); the
// interruption itself is rethrown by callPlanner. With -vvvv the request is
// logged. Go reports its steps (module downloads) through reportProgress as
// it goes.
static std::string planResponse(const std::string & request)
{
    if (nix::verbosity >= nix::lvlDebug)
        nix::logger->log(nix::lvlDebug, "builtins.goPackageGraph: request " + request);
    static void * planner = GoGraphNewPlanner();
    auto interruptGo = onInterrupt([] { GoGraphInterrupt(); });
    // An interruption before the callback was registered has nothing to
    // cancel yet: stop here rather than plan.
    nix::checkInterrupt();
    std::string copy(request);  // GoGraphPlan takes a char *
    char * response = GoGraphPlan(planner, copy.data(), reportProgress);
    std::string text(response);
    GoGraphFree(response);
    return text;
}

// throwInterrupted throws Nix's own interruption, so that Nix ends the
// evaluation as it does for any Ctrl-C.
[[noreturn]] static void throwInterrupted()
{
    nix::checkInterrupt();
    throw nix::Interrupted("interrupted by the user");
}

// throwPlannerError throws a planner {"error": …} as a Nix error: a
// ThrownError (catchable by builtins.tryEval) for problems with the user's
// Go code or arguments; an EvalError, which builtins.tryEval does not catch,
// for what Nix's policy forbids or the planning sandbox refuses (as Nix's
// own restricted-mode errors) and for internal failures; and Nix's own
// Interrupted, which nothing catches, for "interrupted".
[[noreturn]] static void throwPlannerError(nix::EvalState & state, PrimOpPos pos, const nlohmann::json & error)
{
    std::string kind = error.at("kind");
    if (kind == "interrupted")
        throwInterrupted();
    std::string msg = "builtins.goPackageGraph: ";
    if (auto arg = error.find("argument"); arg != error.end() && !arg->get<std::string>().empty())
        msg += "argument '" + arg->get<std::string>() + "': ";
    msg += error.at("message").get<std::string>();
    if (auto pkg = error.find("package"); pkg != error.end()) {
        auto p = pkg->get<std::string>();
        if (!p.empty() && msg.find(p) == std::string::npos)
            msg += " (in package '" + p + "')";
    }
    if (kind == "internal" || kind == "forbidden" || kind == "sandbox")
        throwError(state, pos, "%s", msg);
    throwError<nix::ThrownError>(state, pos, "%s", msg);
}

Plan callPlanner(nix::EvalState & state, PrimOpPos pos, const nlohmann::json & request)
{
    auto text = planResponse(requestText(state, pos, request));
    try {
        auto response = nlohmann::json::parse(text);
        if (auto error = response.find("error"); error != response.end())
            throwPlannerError(state, pos, *error);
        auto plan = parsePlan(response.at("ok"));
        // Interrupted just as Go finished: the plan's scratch goes with it.
        nix::checkInterrupt();
        return plan;
    } catch (nlohmann::json::exception & e) {
        throwInternalError(state, pos, "malformed planner response (%s): %s", e.what(),
            text.size() > 200 ? text.substr(0, 200) + "…" : text);
    }
}

}
