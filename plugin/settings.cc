// settings.cc: registering nix-gograph's settings (cshim/settings.hh) with
// Nix, so that nix.conf, --option and `nix show-config` know them.
#include "settings.hh"

namespace gograph {

PluginSettings pluginSettings;

static const bool settings_registered = registerConfig(pluginSettings);

}
