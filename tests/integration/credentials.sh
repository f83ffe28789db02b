# Module downloads handle credentials as the go command does (issue 13): a
# local proxy (tests/tools/authproxy) that needs basic auth, over https with
# a self-signed certificate and over plain http, serves corp.example/greet;
# a main module needs it, with a go.sum made by go itself.
#   - https + netrc: planning works and the binary builds;
#   - http + the same netrc: the credentials are not sent, a clear error;
#   - `go env -w GOPRIVATE=corp.example`: the module is never requested;
#   - GOAUTH=off: nothing is sent;
#   - offline and restrict-eval/allowed-uris: nothing is requested unless
#     allowed;
#   - the password appears in no output, message or log.
. tests/lib.sh

go build -o "$TMP/mkproxy" ./tests/tools/mkproxy || fail "building tests/tools/mkproxy failed"
go build -o "$TMP/authproxy" ./tests/tools/authproxy || fail "building tests/tools/authproxy failed"

proxy="$TMP/proxy"
"$TMP/mkproxy" "$proxy" corp.example/greet v1.0.0 greet.go > /dev/null || fail "mkproxy failed"
main="$TMP/main"
mkdir -p "$main"
printf 'module example.com/usesgreet\n\ngo 1.22\n\nrequire corp.example/greet v1.0.0\n' > "$main/go.mod"
printf 'package main\n\nimport _ "corp.example/greet"\n\nfunc main() { println("greeted") }\n' > "$main/main.go"
(cd "$main" && GOPROXY="file://$proxy" go_env GOSUMDB=off GOFLAGS=-mod=mod go mod tidy) || fail "go mod tidy failed"
grep -q '^corp.example/greet v1.0.0 h1:' "$main/go.sum" || fail "go did not write corp.example/greet's go.sum line"

password="pw-$(od -An -tx8 -N8 /dev/urandom | tr -d ' \n')"
printf '%s' "$password" > "$TMP/password"
"$TMP/authproxy" -dir "$proxy" -user gograph -password-file "$TMP/password" -ca "$TMP/ca.pem" \
  -addrs "$TMP/addrs" -log "$TMP/server.log" 2> "$TMP/authproxy.log" &
server=$!
trap 'kill $server 2>/dev/null; chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/addrs" ] && break; sleep 0.1; done
[ -s "$TMP/addrs" ] || { cat "$TMP/authproxy.log"; fail "authproxy did not start"; }
http_url=$(sed -n 1p "$TMP/addrs") https_url=$(sed -n 2p "$TMP/addrs")
# cmd/go matches a netrc machine against host:port.
printf 'machine %s login gograph password %s\nmachine %s login gograph password %s\n' \
  "${https_url#https://}" "$password" "${http_url#http://}" "$password" > "$TMP/netrc"

export SSL_CERT_FILE="$TMP/ca.pem" NETRC="$TMP/netrc" GOENV=off
unset GOPRIVATE GONOPROXY GOAUTH GOINSECURE
# fresh_index: an empty module index, so the module must be downloaded.
n=0
fresh_index() { n=$((n + 1)); export XDG_CACHE_HOME="$TMP/xdg-cache-$n"; }
# server_log_since LINE: the requests the server logged after line LINE.
server_log_since() { tail -n "+$(($1 + 1))" "$TMP/server.log"; }
log_lines() { wc -l < "$TMP/server.log"; }
expr="(import $ROOT/tests/build.nix { src = $main; }).drvPath"

# https + netrc: planning works and the binary builds.
fresh_index
mark=$(log_lines)
out=$(GOPROXY="$https_url" gg_build --arg src "$main") || fail "the build through the https proxy failed"
[ "$("$out/bin/usesgreet" 2>&1)" = greeted ] || fail "bin/usesgreet printed the wrong thing"
server_log_since "$mark" > "$TMP/https.log"
grep -q '^https GET /corp.example/greet/@v/v1.0.0.zip auth=valid status=200$' "$TMP/https.log" &&
  ! grep -v 'auth=valid status=200$' "$TMP/https.log" | grep -q . ||
  { cat "$TMP/https.log"; fail "the https requests did not all carry the netrc credentials"; }
say "ok: https proxy + netrc: every request authenticated ($(wc -l < "$TMP/https.log")), the binary builds"

# http + the same netrc: the credentials are not sent.
fresh_index
mark=$(log_lines)
GOPROXY="$http_url" expect_eval_error "$expr" \
  "fetching corp.example/greet@v1.0.0 go.mod: http://127.0.0.1:[0-9]+/corp.example/greet/@v/v1.0.0.mod: 401 Unauthorized \(credentials are sent only over https\)"
server_log_since "$mark" > "$TMP/http.log"
grep -q '^http GET /corp.example/greet/@v/v1.0.0.mod auth=none status=401$' "$TMP/http.log" &&
  ! grep -v 'auth=none' "$TMP/http.log" | grep -q . ||
  { cat "$TMP/http.log"; fail "credentials were sent over http"; }
cp "$TMP/err.log" "$TMP/http-err.log"
say "ok: http proxy: no Authorization header sent"

# go env -w GOPRIVATE=corp.example: never requested from the proxy.
fresh_index
go_env GOENV="$TMP/goenv" go env -w GOPRIVATE=corp.example || fail "go env -w failed"
grep -qx 'GOPRIVATE=corp.example' "$TMP/goenv" || fail "go env -w did not write $TMP/goenv"
mark=$(log_lines)
GOENV="$TMP/goenv" GOPROXY="$https_url" expect_eval_error "$expr" \
  "corp.example/greet@v1.0.0 is private: GOPRIVATE=corp.example \(set in $TMP/goenv by go env -w\) matches it"
cp "$TMP/err.log" "$TMP/private-err.log"
[ "$(log_lines)" = "$mark" ] || { server_log_since "$mark"; fail "a GOPRIVATE module was requested from the proxy"; }
say "ok: GOPRIVATE from the go env file keeps corp.example off the proxy"

# GOAUTH=off: nothing sent, even with a netrc entry for the host.
fresh_index
mark=$(log_lines)
GOAUTH=off GOPROXY="$https_url" expect_eval_error "$expr" \
  "fetching corp.example/greet@v1.0.0 go.mod: https://127.0.0.1:[0-9]+/corp.example/greet/@v/v1.0.0.mod: 401 Unauthorized \(GOAUTH=off: no credentials were sent\)"
cp "$TMP/err.log" "$TMP/goauth-off-err.log"
server_log_since "$mark" > "$TMP/off.log"
grep -q 'auth=none status=401$' "$TMP/off.log" && ! grep -v 'auth=none' "$TMP/off.log" | grep -q . ||
  { cat "$TMP/off.log"; fail "GOAUTH=off sent credentials"; }
say "ok: GOAUTH=off sends no Authorization header"

# A GOPROXY holding the password: never printed.
fresh_index
GOPROXY="${http_url/http:\/\//http://gograph:$password@}" expect_eval_error "$expr" \
  "refusing to pass credentials to insecure URL: http://gograph:xxxxx@127.0.0.1:[0-9]+"
cp "$TMP/err.log" "$TMP/userinfo-err.log"
say "ok: user:password@ in GOPROXY is redacted"

# Nix's policy. Offline (the shim maps --option tarball-ttl 4294967295 to
# policy.offline): nothing is requested.
policy_failed=0
fresh_index
mark=$(log_lines)
if GOPROXY="$https_url" nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --option tarball-ttl 4294967295 \
  --eval --strict -E "$expr" > "$TMP/offline.log" 2>&1; then
  echo "  FAIL: offline planning of a module in no store or index succeeded"; policy_failed=1
elif ! grep -q "corp.example/greet@v1.0.0 is not in the Nix store or nix-gograph's module index, and Nix runs offline (--offline)" "$TMP/offline.log"; then
  cat "$TMP/offline.log"; echo "  FAIL: the offline error does not name the module and --offline"; policy_failed=1
elif [ "$(log_lines)" != "$mark" ]; then
  echo "  FAIL: offline planning requested from the proxy"; policy_failed=1
else
  say "ok: offline: an error naming the module and --offline, no request"
fi

# restrict-eval: the proxy must be in allowed-uris.
fresh_index
mark=$(log_lines)
restricted() {
  GOPROXY="$https_url" nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --option restrict-eval true \
    -I "$ROOT" -I "$TMP" -I /nix/store "$@" --eval --strict -E "$expr"
}
if restricted --option allowed-uris "https://proxy.golang.org" > "$TMP/restricted.log" 2>&1; then
  echo "  FAIL: restrict-eval allowed a proxy outside allowed-uris"; policy_failed=1
elif ! grep -Eq "access to the module proxy https://127.0.0.1:[0-9]+ is forbidden in restricted mode \(restrict-eval\): add it to the Nix setting allowed-uris" "$TMP/restricted.log"; then
  cat "$TMP/restricted.log"; echo "  FAIL: the restrict-eval error does not name the proxy and allowed-uris"; policy_failed=1
elif [ "$(log_lines)" != "$mark" ]; then
  echo "  FAIL: restrict-eval requested from a proxy not in allowed-uris"; policy_failed=1
elif ! restricted --option allowed-uris "$https_url" > "$TMP/allowed.log" 2>&1; then
  cat "$TMP/allowed.log"; echo "  FAIL: restrict-eval refused a proxy in allowed-uris"; policy_failed=1
else
  say "ok: restrict-eval: a proxy outside allowed-uris is refused before any request; inside, it works"
fi

# No output, message or log holds the password (the netrc and password
# files themselves aside).
leaks=$(grep -rlF --exclude=netrc --exclude=password --exclude-dir=proxy -e "$password" "$TMP" || true)
[ -z "$leaks" ] || fail "the password appears in: $leaks"
grep -q "status=" "$TMP/server.log" && ! grep -qF -e "$password" "$TMP/server.log" || fail "the server log is missing or holds the password"
say "ok: the password appears in no log or message"
[ "$policy_failed" = 0 ] || fail "Nix's policy (offline, restrict-eval) is not applied to module downloads"
