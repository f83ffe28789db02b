# passthru.devShell of buildGoApplication: `nix-shell -A devShell` (and,
# with a bash builder, `nix develop`) gives a shell with the build's Go
# toolchain on PATH, and, with cgo, its C compiler, pkg-config and C
# libraries, and a GOMODCACHE holding exactly the build's third-party
# modules, read-only, with the network off (GOPROXY=off): `go build`,
# `go test` and gopls work offline on the modules the build uses.
#
# The module cache is a store path laid out as cmd/go expects (as
# gobridge/modfetch/view.go lays it out for planning):
#   <escaped path>@<escaped version>          -> the module's store path
#   cache/download/<escaped path>/@v/<v>.mod  its go.mod (go reads it there)
#   cache/download/<escaped path>/@v/<v>.info {"Version":"<v>","Time":…}
#                                             (as go writes it: go rewrites
#                                             an .info in any other form)
#   cache/download/<escaped path>/@v/<v>.ziphash
#                                             go.sum's hash of the content
#                                             (go checks it against go.sum)
# ("escaped": an upper-case letter is "!" and the letter in lower case).
#
# Both nix-shell and nix develop source $stdenv/setup when the derivation
# has `stdenv`; here it is a one-line script setting PATH (nix-shell then
# appends the caller's PATH unless --pure, nix develop always does).
# GOCACHE is left to go's default ($XDG_CACHE_HOME/go-build or
# ~/.cache/go-build): writable, and safe to share, entries being keyed by
# their inputs. `nix develop` needs the derivation's builder to be a bash
# (it runs its get-env.sh with it): the library's `bash`; without one the
# builder is busybox's sh and only nix-shell works.
{ busybox, bash ? null, system }:

{ name
, go
, cgo, cc ? null, buildInputs ? [ ], pkgConfig ? null
, tags ? [ ], goos ? null, goarch ? null, goEnv ? { }
, vendored ? false
  # src is a workspace built with its go.work: go finds it (GOWORK empty,
  # whatever the caller's is), and -mod=mod is not allowed there.
, workspace ? false
  # [{ path; version; goMod; goModText; dir; zipSum; }]: goMod a file
  # (store path) or goModText its text (or both null), dir the module's
  # files (null when only its go.mod is needed) and zipSum the hash of
  # its content in go.sum (or, in a workspace, the lock).
, modules
}:

let
  inherit (builtins) concatStringsSep genList length replaceStrings;

  upper = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
  lower = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
  # golang.org/x/mod/module's EscapePath and EscapeVersion.
  escape = replaceStrings upper (map (c: "!" + c) lower);
  quote = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  numbered = genList (i: { n = toString i; m = builtins.elemAt modules i; }) (length modules);
  # One line per module: gomod ESCPATH ESCVERSION VERSION GOMODFILE ZIPSUM DIR.
  line = { n, m }: concatStringsSep " " [
    "gomod" (quote (escape m.path)) (quote (escape m.version)) (quote m.version)
    (if m.goModText or null != null then "\"$goMod${n}Path\""
     else if m.goMod or null != null then quote "${m.goMod}" else "''")
    (quote (if m.dir == null then "" else if m.zipSum == null
      then throw "buildGoApplication: devShell: module ${m.path}@${m.version} has no go.sum hash of its content"
      else m.zipSum))
    (quote (if m.dir == null then "" else "${m.dir}"))
  ];
  withText = builtins.filter ({ m, ... }: m.goModText or null != null) numbered;

  modCache = derivation ({
    name = "${name}-gomodcache";
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-c" ". \"$scriptPath\"" ];
    script = ''
      set -e
      mkdir -p "$out/cache/download"
      gomod() {
        dl=$out/cache/download/$1/@v
        mkdir -p "$dl"
        if [ -n "$4" ]; then cp "$4" "$dl/$2.mod"; fi
        printf '{"Version":"%s","Time":"0001-01-01T00:00:00Z"}' "$3" > "$dl/$2.info"
        if [ -n "$6" ]; then
          printf '%s' "$5" > "$dl/$2.ziphash"
          mkdir -p "$(dirname "$out/$1@$2")"
          ln -s "$6" "$out/$1@$2"
        fi
      }
    '' + concatStringsSep "\n" (map line numbered) + "\n";
    passAsFile = [ "script" ] ++ map ({ n, ... }: "goMod${n}") withText;
  } // builtins.listToAttrs (map ({ n, m }: { name = "goMod${n}"; value = m.goModText; }) withText));

  path = concatStringsSep ":" ([ "${go}/bin" ]
    ++ (if cgo && cc != null then [ "${cc}/bin" ] else [ ])
    ++ (if cgo && pkgConfig != null then [ "${pkgConfig}/bin" ] else [ ]));
  setup = derivation {
    name = "${name}-dev-shell-setup";
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-c" "mkdir \"$out\" && cp \"$setupPath\" \"$out/setup\"" ];
    setup = ''
      # Sourced by nix-shell and nix develop: the toolchain of the build.
      export PATH=${quote path}
    '';
    passAsFile = [ "setup" ];
  };

  joined = suffixes: concatStringsSep ":" (builtins.concatMap (p: map (s: "${p}${s}") suffixes) buildInputs);
in
derivation ({
  name = "${name}-dev-shell";
  inherit system;
  builder = if bash != null then "${bash}/bin/bash" else "${busybox}/bin/sh";
  # Built on its own (nix-build -A devShell), it records its environment.
  args = [ "-c" ". \"$stdenv/setup\"; export -p > \"$out\"" ];
  # nix develop's get-env.sh writes the environment to each of $outputs.
  outputs = [ "out" ];
  stdenv = setup;
  GOMODCACHE = modCache;
  GOFLAGS = concatStringsSep " " ((if workspace then [ ] else [ (if vendored then "-mod=vendor" else "-mod=mod") ])
    ++ (if tags == [ ] then [ ] else [ "-tags=${concatStringsSep "," tags}" ]));
  GOPROXY = "off";
  # Every module of the cache was checked against go.sum when it entered
  # the store; nothing else can come in with GOPROXY=off.
  GOSUMDB = "off";
  GOTOOLCHAIN = "local";
  GO111MODULE = "on";
  CGO_ENABLED = if cgo then "1" else "0";
}
// { GOWORK = if workspace then "" else "off"; }
// (if goos == null then { } else { GOOS = goos; })
// (if goarch == null then { } else { GOARCH = goarch; })
// goEnv
// (if cgo && cc != null then { CC = "${cc}/bin/cc"; } else { })
// (if !cgo then { } else {
  # As the plugin shows buildInputs to pkg-config (plan.Config.LibraryEnv):
  # their directories only, none of the system's, -I and -L kept.
  PKG_CONFIG_LIBDIR = joined [ "/lib/pkgconfig" "/share/pkgconfig" ];
  PKG_CONFIG_ALLOW_SYSTEM_CFLAGS = "1";
  PKG_CONFIG_ALLOW_SYSTEM_LIBS = "1";
})
// (if cgo && buildInputs != [ ] then {
  CPATH = joined [ "/include" ];
  LIBRARY_PATH = joined [ "/lib" ];
} else { })
// (if cgo && pkgConfig != null then { PKG_CONFIG = "${pkgConfig}/bin/pkg-config"; } else { }))
