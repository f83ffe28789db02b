module github.com/nix-gograph/nix-gograph

go 1.26.0

require (
	github.com/mattn/go-pointer v0.0.1
	golang.org/x/mod v0.42.0
)

require github.com/nix-community/go-nix v0.0.0-20250101154619-4bdde671e0a1

require golang.org/x/crypto/x509roots/fallback v0.0.0-20261030153154-30a33513ff6d

require (
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
