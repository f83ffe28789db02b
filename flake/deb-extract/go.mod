module github.com/nix-gograph/nix-gograph/flake/deb-extract

go 1.25

require github.com/ulikunitz/xz v0.5.15
