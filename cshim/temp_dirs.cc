// temp_dirs.cc: removing the planner's scratch directories (TempDirs).
#include <filesystem>
#include <system_error>

#include "plan.hh"

namespace gograph {

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
