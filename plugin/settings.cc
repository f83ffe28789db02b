// settings.cc: registering nix-gograph's settings (cshim/settings.hh) with
// Nix, so that nix.conf, --option and `nix show-config` know them.
#include "settings.hh"

namespace gograph {

PluginSettings pluginSettings;

// registerSettings adds pluginSettings to Nix's global configuration, unless
// the running Nix is not the one the plugin was built for (as
// registerPrimOp). Settings given before the plugin was loaded are applied
// to them when Nix re-reads its unknown settings after loading plugins.
// `GlobalConfig::Register` is the same in both versions; compat.hh includes
// its header (2.8: config.hh, 2.34: nix/util/config-global.hh).
static bool registerSettings()
{
    if (!builtForRunningNix())
        return false;
    nix::GlobalConfig::Register registration(&pluginSettings);
    return true;
}

static const bool settings_registered = registerSettings();

}
