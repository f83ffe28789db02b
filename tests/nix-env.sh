# Sourced by the test scripts: Nix settings that work on this machine
# (single-user root, no nixbld users, no binary cache, sandbox on — and no
# silent fallback to building without it).
export NIX_CONFIG='build-users-group =
substituters =
sandbox = true
sandbox-fallback = false
max-jobs = auto
experimental-features = nix-command'
