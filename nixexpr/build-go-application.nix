# buildGoApplication: a Go program built with one derivation per Go package.
# Its arguments and result are documented in the doc comment below (`:doc`
# in `nix repl` shows it). Every argument works in every mode or is an
# evaluation error naming the argument and the mode; an argument it does not
# know is an error listing the ones it knows.
{ defaultGo, defaultCc, defaultPkgConfig ? null, bash ? null
, busybox, gographBuilder, planner, cacert, nixClient, system
}:

let
  inherit (builtins) attrNames concatStringsSep elem filter length;

  show = v:
    if builtins.isString v then "\"${v}\""
    else if builtins.isInt v || builtins.isFloat v then toString v
    else if builtins.isBool v then (if v then "true" else "false")
    else if v == null then "null"
    else "a ${builtins.typeOf v}";
  plural = xs: if length xs > 1 then "s" else "";

  # The Go build settings of `go help environment` that env may hold (the
  # planner gets them as goEnv); GOOS, GOARCH and CGO_ENABLED are arguments
  # of their own, and the other variables steer the go command, not the build.
  goEnvNames = [ "GO386" "GOAMD64" "GOARM" "GOARM64" "GOMIPS" "GOMIPS64" "GOPPC64" "GORISCV64" "GOWASM"
    "GOEXPERIMENT" "GOFIPS140" ];
  envHints = {
    GOOS = "use goos";
    GOARCH = "use goarch";
    GOFLAGS = "use tags, ldflags, gcflags and asmflags";
  };

  # CGO_ENABLED as nixpkgs' buildGoModule takes it (1, "1", 0, "0"; it
  # hands the value to go, which reads "1" and "0"); true and false too.
  cgoOf = what: v:
    if elem v [ 1 "1" true ] then true
    else if elem v [ 0 "0" false ] then false
    else throw "buildGoApplication: ${what} = ${show v} is not one of 0, 1, \"0\", \"1\", false, true";


  build =
    { pname
    , version
    , src
    , modRoot ? "."
    , subPackages ? [ ]
    , excludedPackages ? [ ]
    , ldflags ? [ ]
    , tags ? [ ]
    , gcflags ? [ ]
    , asmflags ? [ ]
    , goos ? null
    , goarch ? null
    , env ? { }
    , CGO_ENABLED ? null
    , cc ? defaultCc
    , buildInputs ? [ ]
    , pkgConfig ? defaultPkgConfig
    , doCheck ? true
    , checkFlags ? [ ]
    , contentAddressed ? null
    , workspace ? true
    , go ? defaultGo
    , mode ? (if builtins ? goPackageGraph then "plugin" else "ifd")
    , lockFile ? null
    , allowGoReference ? false
    , passthru ? { }
    , meta ? { }
    }@args:

    let
      # The elements are joined with spaces and split again by cmd/go (as in
      # buildGoModule), so -buildid may also be a field inside an element
      # ("-s -buildid=abc").
      hasBuildId = builtins.any
        (flag: builtins.match "(.*[[:space:]])?--?buildid([=[:space:]].*)?" flag != null) ldflags;

      # cgo: env.CGO_ENABLED, else CGO_ENABLED, else the toolchain's own
      # (a nixpkgs Go has CGO_ENABLED), else 0 — buildGoModule's order.
      cgo =
        if env ? CGO_ENABLED && CGO_ENABLED != null
          && cgoOf "env.CGO_ENABLED" env.CGO_ENABLED != cgoOf "CGO_ENABLED" CGO_ENABLED
        then throw "buildGoApplication: env.CGO_ENABLED = ${show env.CGO_ENABLED} and CGO_ENABLED = ${show CGO_ENABLED} disagree (give one)"
        else if env ? CGO_ENABLED then cgoOf "env.CGO_ENABLED" env.CGO_ENABLED
        else if CGO_ENABLED != null then cgoOf "CGO_ENABLED" CGO_ENABLED
        else if builtins.isAttrs go && go ? CGO_ENABLED then cgoOf "go.CGO_ENABLED" go.CGO_ENABLED
        else false;

      unsupportedEnv = filter (n: n != "CGO_ENABLED" && !(elem n goEnvNames)) (attrNames env);
      goEnv = builtins.mapAttrs (n: v:
        if builtins.isString v then v
        else if builtins.isInt v then toString v
        else throw "buildGoApplication: env.${n} = ${show v} is not a string")
        (builtins.intersectAttrs (builtins.listToAttrs (map (n: { name = n; value = null; }) goEnvNames)) env);
      checkedEnv =
        if unsupportedEnv == [ ] then true
        else throw ("buildGoApplication: env.${concatStringsSep ", env." unsupportedEnv} ${if length unsupportedEnv > 1 then "are" else "is"} not supported yet"
          + concatStringsSep "" (map (n: if envHints ? ${n} then " (env.${n}: ${envHints.${n}})" else "") unsupportedEnv)
          + "; env takes CGO_ENABLED and ${concatStringsSep ", " goEnvNames}");

      moduleSrc =
        if modRoot == "." then src
        else if builtins.isPath src then src + "/${modRoot}"
        else "${src}/${modRoot}";

      # A go.work at the module root, built with (workspace): only then is
      # the planner asked to read it.
      goWorkspace = workspace && builtins.pathExists (if builtins.isPath moduleSrc then moduleSrc + "/go.work"
        else "${moduleSrc}/go.work");

      # What decides contentAddressed: the plugin (null: whether Nix has the
      # ca-derivations feature), or the planner in mode ifd.
      caArgs = if contentAddressed == null then { } else { inherit contentAddressed; };
      planArgs = {
        inherit subPackages excludedPackages tags gcflags asmflags cgo;
        src = moduleSrc;
        ldflags = ldflags ++ (if hasBuildId then [ ] else [ "-buildid=" ]);
        tests = doCheck && goos == null && goarch == null;
        go = "${go}";
        builder = "${gographBuilder}/bin/gograph-builder";
      }
      // (if cgo then { cc = "${cc}"; } else { })
      // (if goos == null then { } else { inherit goos; })
      // (if goarch == null then { } else { inherit goarch; })
      // (if buildInputs == [ ] then { } else { buildInputs = map (p: "${p}") buildInputs; })
      // (if cgo && pkgConfig != null then { pkgConfig = "${pkgConfig}"; } else { })
      // (if goEnv == { } then { } else { inherit goEnv; })
      // (if goWorkspace then { workspace = true; } else { });
      pkgConfigGiven = args ? pkgConfig;

      lockFile' = if lockFile != null then lockFile
        else if builtins.isPath moduleSrc then moduleSrc + "/gograph.lock" else "${moduleSrc}/gograph.lock";

      modes = {
        plugin = if builtins ? goPackageGraph then builtins.goPackageGraph (planArgs // caArgs // { inherit system; })
          else throw "buildGoApplication: mode \"plugin\" needs the nix-gograph plugin (--option plugin-files …/libnix-gograph.so)";
        ifd = import ./ifd.nix { inherit planner cacert system; } (planArgs // caArgs // { lockFile = lockFile'; });
      };
      dynamic = import ./dynamic.nix { inherit planner busybox nixClient cacert system; }
        (builtins.removeAttrs planArgs [ "builder" "pkgConfig" ] // {
          inherit gographBuilder pname version doCheck checkFlags allowGoReference;
          lockFile = lockFile';
        } // (if pkgConfigGiven && cgo && pkgConfig != null then { inherit pkgConfig; } else { }));
      # Mode monolithic; checkpoint.nix calls it again with a checkpoint.
      monolithic = extra: import ./monolithic.nix { inherit planner cacert system; } (builtins.removeAttrs planArgs [ "builder" "tests" ] // {
        inherit pname version allowGoReference checkFlags;
        doCheck = planArgs.tests;
        lockFile = lockFile';
      } // extra);

      hasPlan = mode == "plugin" || mode == "ifd";
      checkedMode =
        if !(elem mode [ "plugin" "ifd" "dynamic" "monolithic" ])
        then throw "buildGoApplication: unknown mode ${show mode} (\"plugin\", \"ifd\", \"dynamic\" or \"monolithic\")"
        else if !hasPlan && contentAddressed == true
        then throw "buildGoApplication: contentAddressed = true is for modes \"plugin\" and \"ifd\", not \"${mode}\""
        else if buildInputs != [ ] && !cgo
        then throw "buildGoApplication: buildInputs are C libraries for cgo, which is off (CGO_ENABLED = 1 turns it on)"
        else checkedEnv;
      graph = modes.${mode};

      result = import ./app.nix { inherit busybox system; } {
        inherit graph pname version go doCheck checkFlags allowGoReference;
      };

      # The import graph in Graphviz's DOT language; the module's own
      # packages are boxes, the standard library grey.
      quote = s: "\"" + s + "\"";
      dotNode = p: "  ${quote p.importPath} [${
        if p.kind == "main-module" then "shape=box" else if p.kind == "std" then "color=grey" else "shape=ellipse"
      }];\n";
      dotEdges = p: concatStringsSep "" (map
        (i: "  ${quote p.importPath} -> ${quote i};\n")
        (filter (i: graph.packages ? ${i}) p.imports));
      graphDot = builtins.toFile "${pname}-${version}-graph.dot" (
        "digraph ${quote pname} {\n"
        + concatStringsSep "" (map (p: dotNode p + dotEdges p) (builtins.attrValues graph.packages))
        + "}\n");

      programs = attrNames graph.binaries;
      defaultMeta =
        if !hasPlan then { }
        else if length programs == 1 then { mainProgram = builtins.head programs; }
        else if elem pname programs then { mainProgram = pname; }
        else { };

      # The dev shell's modules: the plugin's (go.sum's, as it fetched
      # them), or the lock file's fixed-output derivations.
      vendored = builtins.pathExists (if builtins.isPath moduleSrc then moduleSrc + "/vendor/modules.txt"
        else "${moduleSrc}/vendor/modules.txt");
      lockModules = import ./modules.nix { inherit planner cacert system; } {
        src = moduleSrc;
        lockFile = lockFile';
        inherit mode;
        workspace = goWorkspace;
      };
      shellModules =
        if vendored then [ ]
        else if mode == "plugin" then map (m: m // { goModText = m.goMod; goMod = null; }) (builtins.attrValues (graph.modules or
          (throw "buildGoApplication: devShell: this plugin's builtins.goPackageGraph does not return modules (rebuild the plugin)")))
        else builtins.attrValues lockModules;
      devShell = import ./dev-shell.nix { inherit busybox bash system; } {
        name = "${pname}-${version}";
        inherit go cgo cc buildInputs tags goos goarch goEnv vendored;
        workspace = goWorkspace;
        pkgConfig = if cgo then pkgConfig else null;
        modules = shellModules;
      };

      # Modes "dynamic" and "monolithic" plan inside a build: there is no
      # plan at evaluation time, so nothing of it to return.
      noPlan = what: throw
        "buildGoApplication: ${what} needs the plan at evaluation time, which mode \"${mode}\" does not have (modes \"plugin\" and \"ifd\" do)";
      planExtras = if hasPlan then {
        inherit graph graphDot;
        inherit (result) packages tests testBinaries;
        inherit (graph) binaries;
      } else {
        graph = noPlan "graph";
        graphDot = noPlan "graphDot";
        packages = noPlan "packages";
        tests = noPlan "tests";
        testBinaries = noPlan "testBinaries";
        binaries = noPlan "binaries";
      };
      extras = planExtras // { inherit devShell; }
        // (if mode == "dynamic" then { inherit (dynamic) producer; } else { })
        // (if mode == "monolithic" then { gographCheckpointBuild = monolithic; } else { })
        // passthru
        // (if hasPlan then { tests = planExtras.tests // (passthru.tests or { }); } else { });

      program =
        if mode == "dynamic" then dynamic.app
        else if mode == "monolithic" then monolithic { }
        else result.app;
    in
    builtins.seq checkedMode (program // extras // {
      meta = defaultMeta // meta;
      passthru = extras;
    });

  known = attrNames (builtins.functionArgs build);
in
/**
  Build a Go program with one derivation per Go package (the standard
  library included) and one per link, planned by the real `go` command.
  The arguments are nixpkgs' `buildGoModule`'s, without `vendorHash`
  (go.sum is the lock).

  # Arguments (defaults in brackets)

  - `pname`, `version`: the name of the result
  - `src`: the source, a path or a store path (read in place)
  - `modRoot` (`"."`): where go.mod is, relative to `src`
  - `subPackages` (`[ ]`: every package): main packages to build, relative to `modRoot`
  - `excludedPackages` (`[ ]`): with `subPackages = [ ]`, skip packages whose
    directory (`"./x/y"`) contains one of these
  - `ldflags`, `gcflags`, `asmflags` (`[ ]`): joined with spaces, split by cmd/go;
    `"-buildid="` is added unless a `-buildid` is given
  - `tags` (`[ ]`): build tags
  - `goos`, `goarch` (`null`: the toolchain's platform)
  - `env` (`{ }`): `CGO_ENABLED` and the Go build settings `GO386`, `GOAMD64`,
    `GOARM`, `GOARM64`, `GOMIPS`, `GOMIPS64`, `GOPPC64`, `GORISCV64`, `GOWASM`,
    `GOEXPERIMENT`, `GOFIPS140` (`off` or `latest`); anything else is an error
  - `CGO_ENABLED` (`env.CGO_ENABLED`, else `go.CGO_ENABLED`, else `0`): `1`,
    `"1"` or `true` turns cgo on, `0`, `"0"` or `false` off
  - `cc`: a C toolchain with `bin/cc`, for cgo (the library's)
  - `buildInputs` (`[ ]`): C libraries for cgo: paths or derivations with
    `include/`, `lib/` and `lib/pkgconfig/` or `share/pkgconfig/` (with cgo
    off, an error)
  - `pkgConfig`: a path or derivation with `bin/pkg-config` (the library's),
    for `#cgo pkg-config:` lines
  - `doCheck` (`true`): the result needs every tested package's tests to pass
  - `checkFlags` (`[ ]`): test flags, `"-run=…"`, `"-short"`, …
  - `contentAddressed` (`null`): content-addressed compiles (early cutoff);
    `null`: on in mode `"plugin"` when Nix has `ca-derivations`
  - `workspace` (`true`): if `src` (at `modRoot`) holds a `go.work`, build in
    that workspace: `subPackages` may name packages of any `use`d module
    (default: all); `false` builds the module at `modRoot` with `GOWORK=off`
  - `go`: the Go toolchain (the library's)
  - `mode` (`"plugin"` with the plugin loaded, else `"ifd"`): also
    `"dynamic"` (RFC 92 dynamic derivations) or `"monolithic"` (one plain
    `go build`, for `prepareCheckpointBuild`/`mkCheckpointBuild`)
  - `lockFile` (`<modRoot>/gograph.lock`): module hashes for the modes
    without the plugin (mode `"plugin"` reads go.sum and ignores it)
  - `allowGoReference` (`false`): may `$out` refer to the toolchain or sources?
  - `passthru`, `meta` (`{ }`): `meta.mainProgram` defaults to the only
    program (or the one named `pname`)

  # Result

  `$out/bin` holds one program per main package. Attributes: `devShell`
  (`nix-shell -A devShell`: the build's toolchain and exactly its modules,
  offline); in modes `"plugin"` and `"ifd"` also `packages."<import path>"`,
  `binaries.<name>`, `tests."<import path>"`, `testBinaries`, `graph` and
  `graphDot` (modes `"dynamic"` and `"monolithic"` plan inside a build:
  these are errors there); `producer` in mode `"dynamic"`.

  # Example

  ```nix
  buildGoApplication {
    pname = "hello";
    version = "1.0";
    src = ./.;
    ldflags = [ "-s" "-w" "-X main.version=1.0" ];
  }
  ```
*/
args:
let
  unknown = filter (n: !(elem n known)) (attrNames args);
in
if unknown != [ ]
then throw "buildGoApplication: unknown argument${plural unknown} ${concatStringsSep ", " unknown}; it takes ${concatStringsSep ", " known}"
else build args
