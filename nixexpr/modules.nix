# The third-party modules of go.sum, for the modes without the plugin: one
# fixed-output derivation per module version's content (its NAR hash from
# the lock file, `gograph lock DIR > DIR/gograph.lock`) and per go.mod file,
# downloaded and checked against go.sum by the planner command.
{ planner, cacert ? null, system ? builtins.currentSystem }:

{ src          # the module root (holding go.mod and go.sum)
, lockFile
, mode         # for messages: "ifd" or "dynamic"
, workspace ? false  # plan with src's go.work (which exists)
}:

let
  inherit (builtins) elem filter foldl' fromJSON head match readFile replaceStrings split;

  plain = builtins.unsafeDiscardStringContext;
  srcPath = if builtins.isPath src then src else /. + plain src;
  lockName = baseNameOf (toString lockFile);
  refresh = "run `gograph lock ${plain (toString src)} > ${plain (toString lockFile)}` (go run ./gobridge/cmd/gograph in nix-gograph)";

  # go.sum: "path version h1:…" and "path version/go.mod h1:…".
  goSumFile = srcPath + "/go.sum";
  goSumLines = if builtins.pathExists goSumFile
    then filter (l: builtins.isString l && l != "") (split "\n" (readFile goSumFile)) else [ ];
  goSumEntries = map (l: match "([^ ]+) ([^ ]+) (h1:[^ ]+)" l) goSumLines;
  modules = foldl' (acc: e:
    let
      goModOnly = match "(.*)/go.mod" (builtins.elemAt e 1);
      version = if goModOnly == null then builtins.elemAt e 1 else head goModOnly;
      key = "${head e}@${version}";
      old = acc.${key} or { path = head e; inherit version; zip = null; goMod = null; };
    in
    acc // { ${key} = old // (if goModOnly == null then { zip = builtins.elemAt e 2; } else { goMod = builtins.elemAt e 2; }); })
    { } (filter (e: e != null) goSumEntries);

  # A workspace's go.sum files are the workspace modules' and go.work.sum:
  # only the planner reads go.work, so the lock (which `gograph lock` makes
  # from all of them) lists the modules, and planning checks each against
  # every go.sum (graph.IFDRequest.checkModules).
  lockModules = builtins.mapAttrs (key: e:
    let at = match "(.*)@([^@]*)" key; in {
      path = builtins.elemAt at 0;
      version = builtins.elemAt at 1;
      zip = e.h1 or null;
      goMod = if e ? goModHash then "-" else null;
    }) lock.modules;

  lock =
    if workspace then (if builtins.pathExists lockFile then fromJSON (readFile lockFile) else { modules = { }; })
    else if modules == { } then { modules = { }; }
    else if builtins.pathExists lockFile then fromJSON (readFile lockFile)
    else throw "buildGoApplication (mode \"${mode}\"): ${lockName} is missing; the modules of go.sum need it: ${refresh}";
  lockEntry = key: mod:
    let e = lock.modules.${key} or (throw
      "buildGoApplication (mode \"${mode}\"): module ${key} is in go.sum but not in ${lockName}: ${refresh}");
    in
    if mod.zip != null && (e.h1 or null) != mod.zip
    then throw "buildGoApplication (mode \"${mode}\"): module ${key}: go.sum's hash ${mod.zip} is not ${lockName}'s ${e.h1 or "(none)"}: ${refresh}"
    else e;

  storeName = s: replaceStrings [ "/" "~" "@" "!" ] [ "-" "_" "_" "_" ] s;
  fetch = args: derivation ({
    inherit system;
    builder = "${planner}/bin/gograph";
    impureEnvVars = [ "GOPROXY" "GOPRIVATE" "GONOPROXY" "GOINSECURE" "NETRC" ];
    outputHashAlgo = "sha256";
    SSL_CERT_FILE = if cacert == null then null else "${cacert}";
  } // args);
  moduleSources = builtins.mapAttrs (key: mod:
    let e = lockEntry key mod; in {
      inherit (mod) path version;
      # The hash of the content the fetch checked: go.sum's (in a
      # workspace, the lock's, which planning checks against go.sum's).
      zipSum = mod.zip;
      goMod = if mod.goMod == null then null else fetch {
        name = "gomod-${storeName "${mod.path}-${mod.version}"}.mod";
        args = [ "fetch-gomod" key mod.goMod (builtins.placeholder "out") ];
        outputHashMode = "flat";
        outputHash = e.goModHash;
      };
      dir = if mod.zip == null then null else fetch {
        name = "gomod-${storeName "${mod.path}-${mod.version}"}";
        args = [ "fetch-module" key mod.zip (builtins.placeholder "out") ];
        outputHashMode = "recursive";
        outputHash = e.narHash;
      };
    }) (if workspace then lockModules else modules);

in
moduleSources
