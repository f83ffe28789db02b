# Checkpoint builds for tests/integration/checkpoint.sh: the program of src
# in mode "monolithic", from scratch and from a checkpoint of checkpointSrc
# (built with checkpointArgs and, if given, the toolchain checkpointGo).
# damage = "truncate" | "corrupt" | "record" gives a damaged copy of the
# checkpoint instead.
{ src, checkpointSrc ? src, args ? { }, checkpointArgs ? args, checkpointGo ? null, damage ? null }:

let
  toolchain = import ../build/host-toolchain.nix;
  gograph = import ../nixexpr (toolchain // {
    planner = builtins.path { path = ../build/planner; name = "gograph-planner"; };
  });
  app = extra: source: gograph.buildGoApplication ({
    pname = "app";
    version = "0";
    src = source;
    mode = "monolithic";
  } // extra);
  checkpoint = gograph.prepareCheckpointBuild (app
    (checkpointArgs // (if checkpointGo == null then { } else { go = builtins.storePath checkpointGo; })) checkpointSrc);

  # A copy of the checkpoint with some of its cache damaged.
  damaged = derivation {
    name = "damaged-checkpoint";
    system = builtins.currentSystem;
    builder = "${toolchain.busybox}/bin/sh";
    args = [ "-c" ''
      set -e
      cp -r ${checkpoint} $out && chmod -R u+w $out
      i=0
      for f in $(find $out/checkpoint/gocache -name '*-d' | sort); do
        i=$((i + 1))
        case ${damage} in
        truncate) [ $((i % 2)) = 0 ] && head -c 100 $f > $f.tmp && mv $f.tmp $f ;;
        corrupt) [ $((i % 3)) = 0 ] && printf 'XXXXXXXX' | dd of=$f bs=1 seek=64 conv=notrunc 2>/dev/null ;;
        esac
      done
      [ ${damage} != record ] || rm $out/checkpoint/record.json
    '' ];
  };
in
{
  inherit checkpoint;
  scratch = app args src;
  incremental = gograph.mkCheckpointBuild (app args src) (if damage == null then checkpoint else damaged);
}
