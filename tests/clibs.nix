# C libraries for the cgo tests (tests/integration/clibs.sh), taken from
# Debian 12's packages without nixpkgs, as flake/toolchain.nix takes its
# busybox: each .deb is a fixed-output download pinned by its hash,
# unpacked by flake/deb-extract; a library is then laid out as buildInputs
# expect it:
#
#   $out/include/…            the -dev package's headers
#   $out/lib/lib*.so*, *.a    the shared and static libraries
#   $out/lib/pkgconfig/*.pc   its pkg-config files, prefix = $out, libdir
#                             = ${prefix}/lib
#
# nix-build tests/clibs.nix -A zlib (or -A sqlite)
{ system ? builtins.currentSystem }:

let
  toolchain = import ../flake/toolchain.nix { inherit system; };
  inherit (toolchain) busybox debExtract fetchurl;

  # deb NAME POOL-PATH SHA256: a package of Debian's archive.
  deb = name: path: sha256: fetchurl {
    name = "${name}.deb";
    url = "http://deb.debian.org/debian/pool/main/${path}";
    inherit sha256;
  };

  unpackDeb = deb: derivation {
    name = builtins.replaceStrings [ ".deb" ] [ "-files" ] deb.name;
    inherit system;
    builder = "${debExtract}/bin/deb-extract";
    args = [ deb (placeholder "out") ];
  };

  library = { name, debs }: derivation {
    inherit name system;
    builder = "${busybox}/bin/sh";
    debs = map unpackDeb debs;
    args = [ "-c" ''
      set -eu
      PATH=${busybox}/bin
      mkdir -p $out/include $out/lib/pkgconfig
      for d in $debs; do
        if [ -d $d/usr/include ]; then cp -r $d/usr/include/. $out/include/; fi
        for dir in $d/usr/lib/x86_64-linux-gnu $d/lib/x86_64-linux-gnu; do
          [ -d $dir ] || continue
          for f in $dir/*; do
            if [ -L $f ]; then ln -sf "$(basename "$(readlink $f)")" $out/lib/$(basename $f)
            elif [ -f $f ]; then cp $f $out/lib/
            fi
          done
          if [ -d $dir/pkgconfig ]; then
            for pc in $dir/pkgconfig/*.pc; do
              sed -e "s|^prefix=.*|prefix=$out|" -e 's|^libdir=.*|libdir=''${prefix}/lib|' \
                $pc > $out/lib/pkgconfig/$(basename $pc)
            done
          fi
        done
      done
    '' ];
  };
in
{
  zlib = library {
    name = "zlib-1.2.13";
    debs = [
      (deb "zlib1g-dev_1.2.13.dfsg-1" "z/zlib/zlib1g-dev_1.2.13.dfsg-1_amd64.deb"
        "f9ce531f60cbd5df37996af9370e0171be96902a17ec2bdbd8d62038c354094f")
      (deb "zlib1g_1.2.13.dfsg-1" "z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb"
        "d7dd1d1411fedf27f5e27650a6eff20ef294077b568f4c8c5e51466dc7c08ce4")
    ];
  };
  sqlite = library {
    name = "sqlite-3.40.1";
    debs = [
      (deb "libsqlite3-dev_3.40.1-2+deb12u2" "s/sqlite3/libsqlite3-dev_3.40.1-2+deb12u2_amd64.deb"
        "afb550eb103e717000a2c7adae2e06e3eebd2952bf7d243ae2f1ca8594307563")
      (deb "libsqlite3-0_3.40.1-2+deb12u2" "s/sqlite3/libsqlite3-0_3.40.1-2+deb12u2_amd64.deb"
        "a8d78b40e9b4e422224aeebfe0e4dfc243f6acf3532490b0c05480d4283d41e2")
    ];
  };
}
