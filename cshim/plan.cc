// plan.cc: reading the "ok" half of a planner response (docs/abi.md).
#include "plan.hh"

namespace gograph {

Plan parsePlan(const nlohmann::json & ok)
{
    Plan plan;
    if (auto t = ok.find("tempDirs"); t != ok.end())
        for (auto & dir : *t)
            plan.tempDirs.dirs.push_back(dir);
    for (auto & s : ok.at("sources"))
        plan.sources.push_back({
            .name = s.at("name"),
            .root = s.at("root"),
            .files = s.at("files"),
            .path = s.at("path"),
        });
    for (auto & d : ok.at("derivations"))
        plan.derivations.push_back({
            .name = d.at("name"),
            .drvPath = d.at("drvPath"),
            .aterm = d.at("aterm"),
            .outputs = d.at("outputs"),
            .outputNames = d.at("outputNames"),
        });
    plan.value = ok.at("value");
    if (auto m = ok.find("messages"); m != ok.end())
        plan.messages = *m;
    if (auto n = ok.find("notices"); n != ok.end())
        plan.notices = *n;
    return plan;
}

}
