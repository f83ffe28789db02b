# The result of buildGoApplication, given the package graph (from the
# plugin or a planner derivation): the derivations running each tested
# package's tests, and the program derivation, which copies the linked
# programs to $out/bin and, with doCheck, needs the tests to have passed.
{ busybox, system ? builtins.currentSystem }:

{ graph, pname, version, go, doCheck, checkFlags, allowGoReference }:

let
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
    inherit system;
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
    inherit system;
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

in
{ inherit app tests testBinaries packages; }
