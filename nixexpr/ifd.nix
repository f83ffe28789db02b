# IFD mode: what builtins.goPackageGraph answers, computed without the
# plugin. The planner (gobridge/cmd/gograph, a static binary in the store)
# runs in a derivation whose JSON output is imported; third-party modules
# come from the lock file (`gograph lock DIR > DIR/gograph.lock`): one
# fixed-output derivation per module (its NAR hash) and per go.mod file.
# The per-package derivations have the same environments as the plugin's,
# so the binaries are the same.
{ planner, cacert ? null, system ? builtins.currentSystem }:

{ src            # the module root
, go
, builder        # gograph-builder (the path of the program)
, lockFile
, subPackages, excludedPackages, tags, ldflags, gcflags, asmflags
, goos ? "", goarch ? "", cgo, cc ? null, tests
}:

let
  inherit (builtins) attrNames concatMap elem filter foldl' fromJSON hasAttr head length
    listToAttrs map match readFile replaceStrings split toJSON;

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

  lock =
    if modules == { } then { modules = { }; }
    else if builtins.pathExists lockFile then fromJSON (readFile lockFile)
    else throw "buildGoApplication (mode \"ifd\"): ${lockName} is missing; the modules of go.sum need it: ${refresh}";
  lockEntry = key: mod:
    let e = lock.modules.${key} or (throw
      "buildGoApplication (mode \"ifd\"): module ${key} is in go.sum but not in ${lockName}: ${refresh}");
    in
    if mod.zip != null && (e.h1 or null) != mod.zip
    then throw "buildGoApplication (mode \"ifd\"): module ${key}: go.sum's hash ${mod.zip} is not ${lockName}'s ${e.h1 or "(none)"}: ${refresh}"
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
      goMod = fetch {
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
    }) modules;

  # The module's files, without version-control metadata or result links.
  srcStore = if builtins.isPath src then builtins.path {
    path = src;
    name = "source";
    filter = p: type: !(elem (baseNameOf p) [ ".git" ".hg" ".svn" ]) && type != "symlink";
  } else src;

  storeInput = path: { inherit path; inputDrvs = [ ]; inputSrcs = [ ]; };
  request = toJSON ({
    src = "${srcStore}";
    inherit subPackages excludedPackages tags ldflags gcflags asmflags goos goarch cgo tests system;
    go = storeInput "${go}";
    builder = storeInput (plain builder);
    modules = map (m: { inherit (m) path version; goMod = "${m.goMod}"; dir = if m.dir == null then null else "${m.dir}"; })
      (builtins.attrValues moduleSources);
  } // (if cgo then { cc = storeInput "${cc}"; } else { }));

  planDrv = derivation {
    name = "gograph-plan.json";
    inherit system request;
    passAsFile = [ "request" ];
    builder = "${planner}/bin/gograph";
    args = [ "plan-units" "env:requestPath" (builtins.placeholder "out") ];
  };
  # The plan names store paths (the toolchain, modules); withContext below
  # gives each back its context where an action uses it.
  plan = fromJSON (plain (readFile planDrv));

  # Store paths the actions name literally, given back their context.
  contextPaths = [ "${go}" ] ++ (if cgo then [ "${cc}" ] else [ ])
    ++ concatMap (m: if m.dir == null then [ ] else [ "${m.dir}" ]) (builtins.attrValues moduleSources);
  withContext = replaceStrings (map plain contextPaths) contextPaths;

  # A main-module package's own files, as the plugin adds them.
  sourceOf = name: dir: files:
    let
      base = if dir == "." then srcPath else srcPath + "/${dir}";
      prefix = toString base + "/";
      rel = p: builtins.substring (builtins.stringLength prefix) (-1) (toString p);
      isParent = r: builtins.any (f: builtins.substring 0 (builtins.stringLength r + 1) f == r + "/") files;
    in
    builtins.path {
      inherit name;
      path = base;
      filter = p: type: if type == "directory" then isParent (rel p) else elem (rel p) files;
    };
  sources = builtins.mapAttrs (id: p: sourceOf p.sourceName p.dir p.files)
    (builtins.removeAttrs plan.packages (filter (id: plan.packages.${id}.dir == null) (attrNames plan.packages)));

  unitKey = u: if u.mode == "link" then "link ${u.id}" else u.id;
  units = listToAttrs (map (u: { name = unitKey u; value = unitDrv u; }) plan.units);
  unitDrv = u: derivation {
    inherit (u) name;
    inherit system;
    builder = builder;
    passAsFile = [ "gographAction" ];
    gographAction = replaceStrings
      (map (d: "$GOGRAPH_ARCHIVE{${d}}") u.deps ++ (if u.source == null then [ ] else [ "$GOGRAPH_SOURCE{${u.source}}" ]))
      (map (d: "${units.${d}}/pkg.a") u.deps ++ (if u.source == null then [ ] else [ "${sources.${u.source}}" ]))
      (withContext u.action);
  };

  moduleDir = p: if p.module or null == null then null else moduleSources.${p.module}.dir or null;
in
{
  inherit (plan) modulePath goVersion;
  packages = builtins.mapAttrs (id: p: {
    inherit (p) importPath name kind imports;
    files = p.files or [ ];
    src = if sources ? ${id} then sources.${id} else moduleDir p;
    drv = units.${id} or null;
  }) (builtins.removeAttrs plan.packages (filter (id: match "(.* [[].*)|(.*[.]test)" id != null) (attrNames plan.packages)));
  binaries = listToAttrs (map (u: { name = u.binary; value = units."link ${u.id}"; })
    (filter (u: u.mode == "link" && (match ".*[.]test" u.id == null)) plan.units));
  tests = builtins.mapAttrs (id: t: {
    binary = units."link ${t.main}";
    src = sourceOf t.sourceName t.dir t.files;
    inherit (t) dir;
  }) plan.tests;
  planDerivation = planDrv;
}
