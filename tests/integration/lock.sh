# The lock file for modes without the plugin: `gograph lock` gives each
# module the NAR hash nix-hash computes for the extracted module, and each
# go.mod its sha256.
. tests/lib.sh

go build -o "$TMP/gograph" ./gobridge/cmd/gograph || fail "building gograph failed"
src=$(go_in "$TMP" mod download -json mvdan.cc/gofumpt@v0.12.0 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || fail "go mod download mvdan.cc/gofumpt failed"
SSL_CERT_FILE="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$TMP/gograph" lock "$src" > "$TMP/lock.json" ||
  fail "gograph lock failed"

# One line per module: path@version narHash (or -) goModHash.
nix eval --raw --impure --expr "let l = builtins.fromJSON (builtins.readFile $TMP/lock.json); in
  builtins.concatStringsSep \"\" (builtins.attrValues (builtins.mapAttrs
    (m: e: \"\${m} \${e.narHash or \"-\"} \${e.goModHash}\n\") l.modules))" > "$TMP/entries.txt" ||
  fail "reading the lock failed"

checked=0
while read -r mod nar gomod; do
  go_in "$TMP" mod download -json "$mod" > "$TMP/dl.json" || fail "go mod download $mod failed"
  dir=$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' "$TMP/dl.json")
  modfile=$(sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p' "$TMP/dl.json")
  [ "$(sha "$modfile")" = "$gomod" ] || fail "$mod: goModHash $gomod, sha256 of go.mod $(sha "$modfile")"
  if [ "$nar" != - ]; then
    want=$(nix-hash --type sha256 "$dir")
    [ "$want" = "$nar" ] || fail "$mod: lock says $nar, nix-hash says $want"
    checked=$((checked + 1))
  fi
done < "$TMP/entries.txt"
[ "$checked" -ge 3 ] || fail "only $checked modules with content in the lock"
say "ok: $checked module NAR hashes equal nix-hash's, $(wc -l < "$TMP/entries.txt") go.mod hashes equal sha256sum's"
