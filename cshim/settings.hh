// settings.hh: the Nix settings the plugin adds (nix.conf, --option,
// `nix show-config`). They are registered by plugin/settings.cc and read
// only by the shim, which passes them to Go as the request's policy.
#pragma once

#include "compat.hh"

namespace gograph {

// PluginSettings are the settings of nix-gograph.
struct PluginSettings : nix::Config {
    nix::Setting<bool> sandbox{this, true, "gograph-sandbox",
        R"(
          Whether `builtins.goPackageGraph` runs the programs it starts
          while planning (`go`, compiler probes) in a sandbox made with
          Linux namespaces (user, mount, PID, network, IPC and UTS): no
          network, only the closure of the Go and C toolchains and the
          module's source visible, read-only, one writable scratch
          directory and a cleared environment. When the kernel does not
          allow the sandbox (no unprivileged user namespaces), planning
          fails with an error saying so.

          Setting it to `false` runs `go` unsandboxed at evaluation time,
          as the evaluating user, with the network and every file that user
          can read: do this only for expressions you trust.
        )"};
};

// pluginSettings holds the values Nix's configuration gives the settings.
extern PluginSettings pluginSettings;

}
