{
  description = "nix-gograph: build Go programs with one Nix derivation per Go package";

  # No inputs: the library needs only a Go toolchain and a static busybox,
  # which the caller passes (or the overlay takes from the package set); the
  # checks fetch their own (flake/toolchain.nix).
  outputs = { self }:
    let
      system = "x86_64-linux";
      toolchain = import ./flake/toolchain.nix { inherit system; };
      gograph = import ./flake/gograph.nix { inherit self toolchain system; };
    in
    {
      lib = {
        # The library itself:
        #   gograph = lib.gograph { go; busybox; cc ? null; planner ? null;
        #     cacert ? null; nixClient ? null; system ? builtins.currentSystem; }
        #   gograph.buildGoApplication { pname; version; src; … }
        # (nixexpr/default.nix). Pure evaluation has no
        # builtins.currentSystem: pass `system`.
        gograph = import ./nixexpr;

        # Checkpoint builds of mode "monolithic", as nixpkgs names them:
        # prepareCheckpointBuild drv; mkCheckpointBuild drv checkpoint
        # (nixexpr/checkpoint.nix).
        inherit (import ./nixexpr/checkpoint.nix) prepareCheckpointBuild mkCheckpointBuild;

        # buildGoApplication's arguments plus the library's: go and busybox,
        # optionally cc, pkgConfig, bash, planner, cacert, nixClient and
        # system (by default go's, when go is a derivation).
        buildGoApplication =
          { go
          , busybox
          , cc ? null
          , pkgConfig ? null
          , bash ? null
          , planner ? null
          , cacert ? null
          , nixClient ? null
          , system ? go.system or builtins.currentSystem
          , ...
          }@args:
          (import ./nixexpr { inherit go busybox cc pkgConfig bash planner cacert nixClient system; }).buildGoApplication
            (builtins.removeAttrs args [ "busybox" "bash" "planner" "cacert" "nixClient" "system" ]);
      };

      # buildGoApplication with the package set's Go, a static busybox and
      # its C compiler (for cgo).
      overlays.default = final: prev: {
        buildGoApplication = (self.lib.gograph {
          inherit (final) go;
          busybox = final.pkgsStatic.busybox or final.busybox;
          cc = final.stdenv.cc or null;
          pkgConfig = final.pkg-config or null;
          bash = final.bash or null; # the dev shell's builder, for nix develop
          system = final.stdenv.buildPlatform.system or final.go.system;
        }).buildGoApplication;
      };

      # The checks' toolchain: Go 1.26.8 (the toolchain zip the Go module
      # proxy serves) and Debian's static busybox, fetched purely; and the
      # gograph command built with them through the plugin
      # (flake/gograph.nix).
      packages.${system} = {
        inherit (toolchain) go busybox;
        inherit gograph;
      };

      # `nix --option plugin-files …/libnix-gograph.so run .#gograph -- lock DIR`
      apps.${system}.gograph = {
        type = "app";
        program = "${gograph}/bin/gograph";
        inherit (gograph) meta;
      };

      # `nix --option plugin-files …/libnix-gograph.so flake check`
      # (flake/checks.nix).
      checks.${system} = import ./flake/checks.nix { inherit self toolchain system; };

      # hydraJobs.<job>.x86_64-linux: the fixtures the toolchain above
      # builds, with or without the plugin in the evaluator, and the checks
      # (flake/hydra-jobs.nix).
      hydraJobs = import ./flake/hydra-jobs.nix { inherit self toolchain system; };
    };
}
