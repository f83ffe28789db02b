# Checkpoint builds, with the names and argument order of nixpkgs'
# prepareCheckpointBuild / mkCheckpointBuild, for mode "monolithic":
#
#   checkpoint = prepareCheckpointBuild app;        # app built once, keeping
#                                                   # its Go build cache
#   mkCheckpointBuild app' checkpoint               # app' (edited source, other
#                                                   # flags…) starting from it
#
# The state carried over is Go's build cache, keyed by hashes of every
# action's inputs: a restored entry can only stand for the same inputs, so
# the result is the one a build from scratch gives (the tests compare them).
# Damaged output files of a checkpoint are left out when it is restored.
let
  monolithicOnly = fn: drv: drv.gographCheckpointBuild or (throw
    "${fn}: ${drv.name or "the argument"} is not a buildGoApplication with mode = \"monolithic\"");
in
{
  # prepareCheckpointBuild drv: drv's build, whose output also keeps the
  # build cache and a record of its inputs in $out/checkpoint.
  prepareCheckpointBuild = drv: monolithicOnly "prepareCheckpointBuild" drv { saveCheckpoint = true; };

  # mkCheckpointBuild drv checkpoint: drv built starting from checkpoint's
  # build cache; only what changed is compiled.
  mkCheckpointBuild = drv: checkpoint: monolithicOnly "mkCheckpointBuild" drv { inherit checkpoint; };
}
