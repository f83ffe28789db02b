# The lock file for modes without the plugin: `gograph lock` gives each
# module the NAR hash nix-hash computes for the extracted module, and each
# go.mod its sha256; `gograph lock --check` passes on the fixtures' locks and
# names each module a go.sum edit leaves missing, stale or extra.
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

# gograph lock --check compares a lock with go.sum without downloading
# anything (GOPROXY=off): a lock entry agrees when its h1 is go.sum's and its
# goModHash gives go.sum's go.mod hash. Every fixture's lock passes, and the
# lock --check accepts is the one gograph lock writes now.
check() { GOPROXY=off "$TMP/gograph" lock --check "$@"; }
fixtures=0
for lockfile in tests/fixtures/*/gograph.lock; do
  dir=${lockfile%/gograph.lock}
  check "$dir" 2> "$TMP/check.log" || { cat "$TMP/check.log" >&2; fail "gograph lock --check $dir failed"; }
  SSL_CERT_FILE="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$TMP/gograph" lock "$dir" > "$TMP/relock.json" ||
    fail "gograph lock $dir failed"
  [ "$(nix eval --impure --expr "builtins.fromJSON (builtins.readFile $TMP/relock.json)
      == builtins.fromJSON (builtins.readFile $ROOT/$lockfile)")" = true ] ||
    fail "gograph lock --check accepts $lockfile, but gograph lock writes another"
  fixtures=$((fixtures + 1))
done
[ "$fixtures" -ge 1 ] || fail "no fixture has a gograph.lock"
mkdir "$TMP/gofumpt"
cp "$src/go.mod" "$src/go.sum" "$TMP/gofumpt/" && chmod u+w "$TMP/gofumpt"/* && cp "$TMP/lock.json" "$TMP/gofumpt/gograph.lock"
check "$TMP/gofumpt" 2> "$TMP/check.log" || { cat "$TMP/check.log" >&2; fail "gograph lock --check of gofumpt's lock failed"; }
say "ok: gograph lock --check passes on the $fixtures fixture(s) with a gograph.lock (each what gograph lock writes) and on gofumpt's"

# expect_check_fails DIR LINE…: gograph lock --check DIR exits 1 and prints
# each LINE (after "DIR/gograph.lock: "), and one problem line per LINE.
expect_check_fails() {
  local dir=$1 rc=0 line; shift
  check "$dir" 2> "$TMP/check.log" || rc=$?
  [ "$rc" = 1 ] || { cat "$TMP/check.log" >&2; fail "gograph lock --check $dir: exit $rc, want 1"; }
  for line in "$@"; do
    grep -qxF "$dir/gograph.lock: $line" "$TMP/check.log" || { cat "$TMP/check.log" >&2; fail "gograph lock --check $dir does not say: $line"; }
  done
  [ "$(grep -c "^$dir/gograph.lock: " "$TMP/check.log")" = $# ] || { cat "$TMP/check.log" >&2; fail "gograph lock --check $dir: not $# problems"; }
  grep -qF "run \`gograph lock $dir > $dir/gograph.lock\`" "$TMP/check.log" || { cat "$TMP/check.log" >&2; fail "gograph lock --check $dir does not say how to refresh"; }
  say "ok: gograph lock --check fails: $*"
}
# fixture NAME: a writable copy of tests/fixtures/deps as $TMP/NAME.
fixture() { cp -r tests/fixtures/deps "$TMP/$1" && chmod -R u+w "$TMP/$1"; }
uuid=github.com/google/uuid
fixture stale
sed -i "s|^$uuid v1.6.0 h1:NIvaJDMO|$uuid v1.6.0 h1:NIvaJDMX|" "$TMP/stale/go.sum"
expect_check_fails "$TMP/stale" "$uuid@v1.6.0 is stale: go.sum's hash h1:NIvaJDMXsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0= is not the lock's h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0="
fixture extra
sed -i "\\|^$uuid |d" "$TMP/extra/go.sum"
expect_check_fails "$TMP/extra" "$uuid@v1.6.0 is extra (go.sum does not have it)"
fixture missing
grep "^golang.org/x/mod v0.42.0/go.mod " go.sum >> "$TMP/missing/go.sum"
expect_check_fails "$TMP/missing" "golang.org/x/mod@v0.42.0 is missing (go.sum has it)"
fixture nolock
rm "$TMP/nolock/gograph.lock"
expect_check_fails "$TMP/nolock" "$uuid@v1.6.0 is missing (go.sum has it)"
grep -q "gograph.lock does not exist" "$TMP/check.log" || { cat "$TMP/check.log" >&2; fail "gograph lock --check without a lock does not say it does not exist"; }
fixture version
sed -i "s|^$uuid v1.6.0|$uuid v1.6.1|" "$TMP/version/go.sum"
expect_check_fails "$TMP/version" "$uuid@v1.6.1 is stale: the lock has $uuid@v1.6.0 instead"
sed -i 's|^\(github.com/creack/pty v1.1.9/go.mod\) h1:oKZE|\1 h1:AAAA|' "$TMP/gofumpt/go.sum"
expect_check_fails "$TMP/gofumpt" "github.com/creack/pty@v1.1.9 is stale: go.sum's go.mod hash h1:AAAAueFk5CKHvIhNR5MUki03XCEU+Q6VDXinZuGJ33E= is not the lock's h1:oKZEueFk5CKHvIhNR5MUki03XCEU+Q6VDXinZuGJ33E= (goModHash eab0705bc4a18dd315c27a4e3dba8f20a9e123065fa20633966332b5cccf7731)"
