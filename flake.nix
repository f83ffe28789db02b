{
  description = "nix-gograph: build Go programs with one Nix derivation per Go package";

  # Minimal for now (the plugin package, overlay and checks come later):
  # lib is the Nix library; call it with a Go toolchain and a static busybox.
  outputs = { self }: {
    lib = import ./nixexpr;
  };
}
