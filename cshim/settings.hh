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

    nix::Setting<bool> planCache{this, true, "gograph-plan-cache",
        R"(
          Whether `builtins.goPackageGraph` reuses a plan it made before
          when nothing that shapes the plan changed: the request, `go.mod`,
          `go.sum`, and of the module's files their names and what `go`
          reads while planning (build constraints, package clauses,
          imports, `//go:embed` lines, cgo files and test files whole).
          An edit to function bodies then runs no `go` command at
          evaluation time. Plans are kept in memory and under
          `$XDG_CACHE_HOME/nix-gograph/plans`. Setting it to `false`
          plans every time.
        )"};
};

// pluginSettings holds the values Nix's configuration gives the settings.
extern PluginSettings pluginSettings;

}
