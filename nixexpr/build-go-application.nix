# buildGoApplication: a Go program built with one derivation per Go package.
#
# Arguments (defaults in brackets), named as in nixpkgs' buildGoModule:
#   pname, version     name of the result
#   src                the source: a path or store path
#   modRoot            "."      the module root (holding go.mod), relative to src
#   subPackages        [ ]      main packages to build, relative to modRoot;
#                               [ ] builds every package of the module
#   excludedPackages   [ ]      with subPackages = [ ]: skip packages whose
#                               directory ("./x/y") contains one of these
#   ldflags            [ ]      "-buildid=" is added unless a -buildid is given,
#                               so binaries equal `go build -trimpath -ldflags=-buildid=`
#   tags, gcflags, asmflags  [ ]
#   goos, goarch       null     (the toolchain's host platform)
#   env.CGO_ENABLED    0        (or CGO_ENABLED) 1 enables cgo
#   cc                 the library's C toolchain (bin/cc), for cgo
#   doCheck            true     the result depends on every tested package's
#                               tests passing (one derivation per package)
#   checkFlags         [ ]      test flags: "-run=…", "-skip=…", "-short", …
#   contentAddressed   null     content-addressed compiles (early cutoff: an
#                               edit that keeps a package's export data
#                               rebuilds no importer); null: mode "plugin"
#                               turns it on when the ca-derivations feature
#                               is enabled, mode "ifd" leaves it off (Nix
#                               cannot tell an expression); modes "dynamic"
#                               and "monolithic" do not take true
#   go                 the library's toolchain
#   mode               "plugin" when builtins.goPackageGraph exists, else "ifd":
#                      plan in a derivation and import the plan (no plugin);
#                      "dynamic": RFC 92 dynamic derivations (Nix 2.34 with
#                      dynamic-derivations ca-derivations recursive-nix);
#                      passthru.producer is the derivation producing the .drv;
#                      "monolithic": one derivation running plain go build
#                      (prepareCheckpointBuild / mkCheckpointBuild take it)
#   lockFile           <modRoot>/gograph.lock   (mode "ifd": one Nix hash per
#                      module; `gograph lock DIR > DIR/gograph.lock`)
#   allowGoReference   false    may $out refer to the toolchain or the sources?
#                               (enforced with disallowedReferences)
#   passthru, meta     { }      meta.mainProgram defaults to the only program
#                               (or to the one named pname)
#
# The result's $out/bin holds one program per main package; passthru has
# `packages` (import path -> the derivation compiling it), `binaries`
# (name -> link derivation), `tests` (import path -> the derivation running
# its tests), `testBinaries` (import path -> the derivation linking them),
# `graph` (all of builtins.goPackageGraph's result) and `graphDot`.
{ defaultGo, defaultCc, busybox, gographBuilder, planner, cacert, nixClient, system }:

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
, CGO_ENABLED ? env.CGO_ENABLED or 0
, cc ? defaultCc
, doCheck ? true
, checkFlags ? [ ]
, contentAddressed ? null
, go ? defaultGo
, mode ? (if builtins ? goPackageGraph then "plugin" else "ifd")
, lockFile ? null
, allowGoReference ? false
, passthru ? { }
, meta ? { }
}:

let
  # The elements are joined with spaces and split again by cmd/go (as in
  # buildGoModule), so -buildid may also be a field inside an element
  # ("-s -buildid=abc").
  hasBuildId = builtins.any
    (flag: builtins.match "(.*[[:space:]])?--?buildid([=[:space:]].*)?" flag != null) ldflags;
  cgo = builtins.elem CGO_ENABLED [ 1 "1" true ];

  moduleSrc =
    if modRoot == "." then src
    else if builtins.isPath src then src + "/${modRoot}"
    else "${src}/${modRoot}";

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
  // (if goarch == null then { } else { inherit goarch; });

  modes = {
    plugin = if builtins ? goPackageGraph then builtins.goPackageGraph (planArgs // caArgs // { inherit system; })
      else throw "buildGoApplication: mode \"plugin\" needs the nix-gograph plugin (--option plugin-files …/libnix-gograph.so)";
    ifd = import ./ifd.nix { inherit planner cacert system; } (planArgs // caArgs // { lockFile = lockFile'; });
  };
  lockFile' = if lockFile != null then lockFile
    else if builtins.isPath moduleSrc then moduleSrc + "/gograph.lock" else "${moduleSrc}/gograph.lock";
  dynamic = import ./dynamic.nix { inherit planner busybox nixClient cacert system; } (builtins.removeAttrs planArgs [ "builder" ] // {
    inherit gographBuilder pname version doCheck checkFlags allowGoReference;
    lockFile = lockFile';
  });
  # Mode monolithic; checkpoint.nix calls it again with a checkpoint.
  monolithic = extra: import ./monolithic.nix { inherit planner cacert system; } (builtins.removeAttrs planArgs [ "builder" "tests" ] // {
    inherit pname version allowGoReference;
    lockFile = lockFile';
  } // extra);
  graph = if mode == "dynamic" || mode == "monolithic" then { packages = { }; binaries = { }; tests = { }; }
    else modes.${mode} or (throw "buildGoApplication: unknown mode \"${toString mode}\" (\"plugin\", \"ifd\", \"dynamic\" or \"monolithic\")");

  result = import ./app.nix { inherit busybox system; } {
    inherit graph pname version go doCheck checkFlags allowGoReference;
  };
  inherit (result) app tests testBinaries packages;

  # The import graph in Graphviz's DOT language; the module's own packages
  # are boxes, the standard library grey.
  quote = s: "\"" + s + "\"";
  dotNode = p: "  ${quote p.importPath} [${
    if p.kind == "main-module" then "shape=box" else if p.kind == "std" then "color=grey" else "shape=ellipse"
  }];\n";
  dotEdges = p: builtins.concatStringsSep "" (map
    (i: "  ${quote p.importPath} -> ${quote i};\n")
    (builtins.filter (i: graph.packages ? ${i}) p.imports));
  graphDot = builtins.toFile "${pname}-${version}-graph.dot" (
    "digraph ${quote pname} {\n"
    + builtins.concatStringsSep "" (map (p: dotNode p + dotEdges p) (builtins.attrValues graph.packages))
    + "}\n");

  programs = builtins.attrNames graph.binaries;
  defaultMeta =
    if builtins.length programs == 1 then { mainProgram = builtins.head programs; }
    else if builtins.elem pname programs then { mainProgram = pname; }
    else { };
  extras = { inherit graph packages graphDot tests testBinaries; binaries = graph.binaries; }
    // (if mode == "dynamic" then { inherit (dynamic) producer; } else { })
    // (if mode == "monolithic" then { gographCheckpointBuild = monolithic; } else { });
  result' = if (mode == "dynamic" || mode == "monolithic") && contentAddressed == true
    then throw "buildGoApplication: contentAddressed = true is for modes \"plugin\" and \"ifd\", not \"${mode}\""
    else if mode == "dynamic" then dynamic.app else if mode == "monolithic" then monolithic { } else app;
in
result' // extras // {
  meta = defaultMeta // meta;
  passthru = passthru // extras;
} // passthru
