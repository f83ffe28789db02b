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
  /**
    `prepareCheckpointBuild drv`: the build of `drv` (a `buildGoApplication`
    with `mode = "monolithic"`) whose output also keeps Go's build cache and
    a record of its inputs, in `$out/checkpoint`, for `mkCheckpointBuild`.

    # Example

    ```nix
    checkpoint = prepareCheckpointBuild (buildGoApplication {
      pname = "app"; version = "1"; src = ./.; mode = "monolithic";
    })
    ```
  */
  prepareCheckpointBuild = drv: monolithicOnly "prepareCheckpointBuild" drv { saveCheckpoint = true; };

  /**
    `mkCheckpointBuild drv checkpoint`: `drv` (a `buildGoApplication` with
    `mode = "monolithic"`: edited source, other flags…) built starting from
    the build cache of `checkpoint` (a `prepareCheckpointBuild`): only what
    changed is compiled, and the result is the one a build from scratch
    gives (a damaged cache entry is left out, never used).

    # Example

    ```nix
    mkCheckpointBuild (buildGoApplication { …; src = ./edited; mode = "monolithic"; }) checkpoint
    ```
  */
  mkCheckpointBuild = drv: checkpoint: monolithicOnly "mkCheckpointBuild" drv { inherit checkpoint; };
}
