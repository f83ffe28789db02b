# buildGoApplication: a Go program built with one derivation per Go package.
#
# Arguments (defaults in brackets), named as in nixpkgs' buildGoModule:
#   pname, version     name of the result
#   src                the source: a path or store path
#   modRoot            "."      the module root (holding go.mod), relative to src
#   subPackages        [ "." ]  main packages to build, relative to modRoot
#   ldflags            [ ]      "-buildid=" is added unless a -buildid is given,
#                               so binaries equal `go build -trimpath -ldflags=-buildid=`
#   tags, gcflags      [ ]
#   goos, goarch       null     (the toolchain's host platform)
#   cgo                false    CGO_ENABLED
#   go                 the library's toolchain
#   allowGoReference   false    may $out refer to the toolchain or the sources?
#                               (enforced with disallowedReferences)
#   passthru, meta     { }      meta.mainProgram defaults to the only program
#
# The result's $out/bin holds one program per main package; passthru has
# `packages` (import path -> the derivation compiling it), `binaries`
# (name -> link derivation) and `graph` (all of builtins.goPackageGraph's result).
{ defaultGo, busybox, gographBuilder }:

{ pname
, version
, src
, modRoot ? "."
, subPackages ? [ "." ]
, ldflags ? [ ]
, tags ? [ ]
, gcflags ? [ ]
, goos ? null
, goarch ? null
, cgo ? false
, go ? defaultGo
, allowGoReference ? false
, passthru ? { }
, meta ? { }
}:

let
  hasBuildId = builtins.any (flag: builtins.match "-buildid(=.*)?" flag != null) ldflags;

  moduleSrc =
    if modRoot == "." then src
    else if builtins.isPath src then src + "/${modRoot}"
    else "${src}/${modRoot}";

  graph = builtins.goPackageGraph ({
    inherit subPackages tags gcflags cgo;
    src = moduleSrc;
    ldflags = ldflags ++ (if hasBuildId then [ ] else [ "-buildid=" ]);
    go = "${go}";
    builder = "${gographBuilder}/bin/gograph-builder";
  }
  // (if goos == null then { } else { inherit goos; })
  // (if goarch == null then { } else { inherit goarch; }));

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
  defaultMeta = if builtins.length programs == 1 then { mainProgram = builtins.head programs; } else { };
in
app // {
  inherit graph packages graphDot;
  meta = defaultMeta // meta;
  binaries = graph.binaries;
  passthru = passthru // { inherit graph packages graphDot; binaries = graph.binaries; };
} // passthru
