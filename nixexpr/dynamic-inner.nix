# Run by mode "dynamic"'s producer inside its build (dynamic.nix): the
# program derivation of the plan in planFile, built like mode "ifd"'s, with
# the producer's inputs (argsFile, JSON) as store paths.
{ planFile, argsFile }:

let
  args = builtins.fromJSON (builtins.readFile argsFile);
  storePath = builtins.storePath;
  inherit (args) system;
  go = storePath args.go;
  busybox = storePath args.busybox;
  graph = import ./units.nix { inherit system; } {
    plan = builtins.fromJSON (builtins.readFile planFile);
    src = storePath args.src;
    inherit go;
    builder = "${storePath args.gographBuilder}/bin/gograph-builder";
    cc = if args.cc == null then null else storePath args.cc;
  };
in
(import ./app.nix { inherit busybox system; } {
  inherit graph go;
  inherit (args) pname version doCheck checkFlags allowGoReference;
}).app
