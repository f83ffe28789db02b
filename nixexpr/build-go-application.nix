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
#   go                 the library's toolchain
#   mode               "plugin" when builtins.goPackageGraph exists, else "ifd":
#                      plan in a derivation and import the plan (no plugin)
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
{ defaultGo, defaultCc, busybox, gographBuilder, planner, cacert }:

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
, go ? defaultGo
, mode ? (if builtins ? goPackageGraph then "plugin" else "ifd")
, lockFile ? null
, allowGoReference ? false
, passthru ? { }
, meta ? { }
}:

let
  hasBuildId = builtins.any (flag: builtins.match "-buildid(=.*)?" flag != null) ldflags;
  cgo = builtins.elem CGO_ENABLED [ 1 "1" true ];

  moduleSrc =
    if modRoot == "." then src
    else if builtins.isPath src then src + "/${modRoot}"
    else "${src}/${modRoot}";

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
    plugin = if builtins ? goPackageGraph then builtins.goPackageGraph planArgs
      else throw "buildGoApplication: mode \"plugin\" needs the nix-gograph plugin (--option plugin-files …/libnix-gograph.so)";
    ifd = import ./ifd.nix { inherit planner cacert; } (planArgs // {
      lockFile = if lockFile != null then lockFile
        else if builtins.isPath moduleSrc then moduleSrc + "/gograph.lock" else "${moduleSrc}/gograph.lock";
    });
  };
  graph = modes.${mode} or (throw "buildGoApplication: unknown mode \"${toString mode}\" (\"plugin\" or \"ifd\")");

  # `go test` passes its test flags to the binary as -test.<flag>.
  testFlag = flag:
    if builtins.match "-test\\..*" flag != null then flag
    else if builtins.match "--?[a-z].*" flag != null
    then "-test." + builtins.head (builtins.match "--?(.*)" flag)
    else flag;

  # Running one package's tests: its directory (files and testdata/) is
  # copied to where it sits in the module, and the test binary runs there.
  runTest = importPath: test: derivation {
    name = "test-" + builtins.replaceStrings [ "/" ] [ "-" ] importPath;
    system = builtins.currentSystem;
    builder = "${busybox}/bin/sh";
    args = [ "-c" ''
      set -e
      dir=$TMPDIR/src/$testDir
      mkdir -p $dir $out $TMPDIR/home
      cp -r $testSrc/. $dir/
      chmod -R u+w $dir
      cd $dir
      export HOME=$TMPDIR/home
      status=0
      $testBinary/bin/* -test.paniconexit0 -test.timeout=10m0s "$@" > $out/test.log 2>&1 || status=$?
      cat $out/test.log
      if [ $status != 0 ]; then
        echo "FAIL: tests of $importPath (exit status $status)" >&2
        exit $status
      fi
    '' "gograph-test" ] ++ map testFlag checkFlags;
    inherit importPath;
    testDir = test.dir;
    testSrc = test.src;
    testBinary = test.binary;
  };

  tests = builtins.mapAttrs runTest (graph.tests or { });
  testBinaries = builtins.mapAttrs (_: test: test.binary) (graph.tests or { });

  binaries = builtins.attrValues graph.binaries;
  sources = builtins.filter (s: s != null) (map (p: p.src) (builtins.attrValues graph.packages));
  packages = builtins.listToAttrs (map
    (p: { name = p.importPath; value = p.drv; })
    (builtins.filter (p: p.drv != null) (builtins.attrValues graph.packages)));

  app = derivation {
    name = "${pname}-${version}";
    system = builtins.currentSystem;
    builder = "${busybox}/bin/sh";
    args = [ "-c" ''
      mkdir -p $out/bin
      for link in $binaries; do cp $link/bin/* $out/bin/; done
    '' ];
    inherit binaries;
    # The tests run in derivations of their own; the program needs them
    # to have passed.
    checks = if doCheck then builtins.attrValues tests else [ ];
    disallowedReferences = if allowGoReference then [ ] else [ go ] ++ sources;
  };

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
  extras = { inherit graph packages graphDot tests testBinaries; binaries = graph.binaries; };
in
app // extras // {
  meta = defaultMeta // meta;
  passthru = passthru // extras;
} // passthru
