// go_package_graph.cc: builtins.goPackageGraph.
#include "plan.hh"

namespace gograph {

// prim_goPackageGraph plans the build of a Go module with the Go planner,
// writes the planned sources and derivations, and returns the package graph.
static void prim_goPackageGraph(nix::EvalState & state, PrimOpPos pos, nix::Value ** args, nix::Value & v)
{
    // The plan's scratch directories are removed when it goes out of scope.
    auto plan = callPlanner(state, pos, planRequest(state, pos, *args[0]));
    for (auto & msg : plan.notices)
        nix::logger->log(nix::lvlInfo, "builtins.goPackageGraph: " + msg);
    for (auto & msg : plan.messages)
        if (nix::verbosity >= nix::lvlTalkative)
            nix::logger->log(nix::lvlTalkative, "builtins.goPackageGraph: " + msg);
    {
        // With -v, and in the progress bar of Nix 2.34: writing thousands
        // of derivations takes a moment.
        std::string modulePath = "the module";
        if (auto m = plan.value.find("modulePath"); plan.value.is_object() && m != plan.value.end() && m->is_string())
            modulePath = m->get<std::string>();
        auto step = startProgressStep(nix::lvlTalkative, nix::fmt("planning %s: writing %d sources and %d derivations",
            modulePath, plan.sources.size(), plan.derivations.size()));
        writePlan(state, pos, plan);
    }
    jsonToValue(state, pos, plan, v);
}

static const bool primop_goPackageGraph = registerPrimOp({
    .name = "__goPackageGraph",
    .args = {"attrs"},
    .doc = R"(
      Plan the build of the Go packages of a module, one derivation per
      package, and return the package graph. *attrs* takes:

      - `src`: the module's directory (containing `go.mod`), as a path
        (read in place, not copied to the store) or a store path string.
      - `go`: the Go toolchain (a derivation or store path); it is built if
        needed, since planning runs its `bin/go`.
      - `builder`: the program that runs each build action in the sandbox
        (a derivation or store path string).
      - `subPackages` (default `[ ]`: every main package of the module):
        package directories relative to `src`; each must be a `main` package.
      - `excludedPackages` (default `[ ]`): with no `subPackages`, packages
        whose directory (`./x/y`) contains one of these strings are skipped.
      - `tags`, `ldflags`, `gcflags`, `asmflags` (default `[ ]`): as for `go build`.
      - `goos`, `goarch` (default `""`, the toolchain's host): target platform.
      - `cgo` (default `false`): whether to enable cgo (`CGO_ENABLED=1`).
      - `cc`: the C toolchain for cgo (a derivation or store path holding
        `bin/cc`); only derivations that run the C compiler depend on it.
      - `buildInputs`: C libraries for cgo (derivations or store paths with
        `include/`, `lib/`, `lib/pkgconfig/`): pkg-config's only search path,
        and the C compiler's `CPATH` and `LIBRARY_PATH` in the module's cgo
        compiles and the links, the only derivations depending on them.
      - `pkgConfig`: a derivation or store path holding `bin/pkg-config`,
        run while planning for `#cgo pkg-config:` lines.
      - `goEnv` (default `{ }`): Go build settings such as `GOAMD64` or
        `GOEXPERIMENT`, seen by planning and by every build step.
      - `tests` (default `false`): also plan the test binaries of the
        module's packages that have tests (see `tests` below).
      - `workspace` (default `false`): if `src` holds a `go.work`, build
        in that workspace (`GOWORK=<src>/go.work`): `subPackages` may name
        packages of any `use`d module (default: all of them), and the
        modules come from every `go.sum` and `go.work.sum`. Every `use`
        must be inside `src`.
      - `contentAddressed` (default `null`: whether the `ca-derivations`
        experimental feature is enabled): make the compile derivations
        content-addressed with two outputs, `export` (the export data
        importers compile against) and `out` (the linker's object), so an
        edit that keeps a package's export data rebuilds no importer.
      - `system` (default: the current system): the system of the derivations.

      It returns an attribute set with

      - `modulePath` and `goVersion` of the main module;
      - `packages.<importPath>` = `{ importPath, kind, files, imports, src, drv }`
        for every package built, where `kind` is `"std"`, `"main-module"` or
        `"dependency"`, `src` the store path holding its files and `drv` the
        derivation compiling it (`$out/pkg.a`; content-addressed, also
        `$export/pkg.a`);
      - `binaries.<name>`: the derivation linking each `main` package;
      - `tests.<importPath>` = `{ binary, src, dir }` (with `tests = true`):
        the derivation linking the package's test binary (`bin/<name>.test`),
        the store path holding the package's directory with its `testdata`,
        and that directory relative to the module root;
      - `modules."<path>@<version>"` = `{ path, version, goMod, dir, zipSum }`:
        each module version of go.sum: its go.mod text, the store path of
        its files and go.sum's hash of them, as a module cache needs them
        (`passthru.devShell` lays one out).

      Only the files each package uses are copied to the store, so editing
      one package rebuilds just it and its dependents.

      Planning runs `go` in a sandbox (the setting `gograph-sandbox`) and
      obeys Nix's `restrict-eval`, `pure-eval` and `allowed-uris`. Module
      downloads obey `nix --offline`; with `nix-build` or
      `nix-instantiate`, `--option tarball-ttl 4294967295` does the same.

      Example:

      ```nix
      (builtins.goPackageGraph {
        src = ./.;
        go = pkgs.go;
        builder = gograph-builder;
        subPackages = [ "./cmd/hello" ];
      }).binaries.hello
      ```
    )",
    .fun = prim_goPackageGraph,
});

}
