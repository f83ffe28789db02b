// plan.cc: reading the "ok" half of a planner response (docs/abi.md), and
// removing the planner's scratch directories it names.
#include <filesystem>
#include <system_error>

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
        });
    plan.value = ok.at("value");
    if (auto m = ok.find("messages"); m != ok.end())
        plan.messages = *m;
    if (auto n = ok.find("notices"); n != ok.end())
        plan.notices = *n;
    return plan;
}

// removeTree removes dir and everything below it, making read-only
// directories (Go extracts modules read-only) writable first. Unlike
// nix::deletePath it never calls checkInterrupt, which would throw
// Interrupted half-way when Nix was interrupted and leave the rest behind.
static void removeTree(const std::filesystem::path & dir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec)))
        return;
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir, ec);
}

TempDirs::~TempDirs()
{
    for (auto & dir : dirs) {
        auto base = dir.substr(dir.rfind('/') + 1);
        if (dir.empty() || dir[0] != '/' || base.rfind("gograph-", 0) != 0)
            continue;
        // Scratch space: failing to remove it is harmless, so errors are
        // ignored (removeTree reports none).
        removeTree(dir);
    }
}

}
