# The planner's units (`gograph plan-units`, graph.PlanUnits) as
# derivations: the same environments as the plugin's derivations, with
# every store path an action names given its string context. Returns what
# builtins.goPackageGraph returns (packages, binaries, tests).
{ system ? builtins.currentSystem }:

{ plan           # the parsed plan
, src            # the module root: a path or a store path (string)
, go, builder
, cc ? null
, moduleDirs     # "path@version" -> the module's store path (with context)
}:

let
  inherit (builtins) attrNames attrValues elem filter listToAttrs map match replaceStrings;

  plain = builtins.unsafeDiscardStringContext;
  srcPath = if builtins.isPath src then src else /. + plain src;

  # Store paths the actions name literally, given back their context.
  contextPaths = [ "${go}" ] ++ (if cc == null then [ ] else [ "${cc}" ]) ++ map (d: "${d}") (attrValues moduleDirs);
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
  ownSources = filter (id: plan.packages.${id}.dir != null) (attrNames plan.packages);
  sources = listToAttrs (map (id: let p = plan.packages.${id}; in
    { name = id; value = sourceOf p.sourceName p.dir p.files; }) ownSources);

  unitKey = u: if u.mode == "link" then "link ${u.id}" else u.id;
  units = listToAttrs (map (u: { name = unitKey u; value = unitDrv u; }) plan.units);
  unitDrv = u: derivation {
    inherit (u) name;
    inherit system builder;
    passAsFile = [ "gographAction" ];
    gographAction = replaceStrings
      (map (d: "$GOGRAPH_ARCHIVE{${d}}") u.deps ++ (if u.source == null then [ ] else [ "$GOGRAPH_SOURCE{${u.source}}" ]))
      (map (d: "${units.${d}}/pkg.a") u.deps ++ (if u.source == null then [ ] else [ "${sources.${u.source}}" ]))
      (withContext u.action);
  };

  # Test variants ("p [q.test]") and test mains ("q.test") are not packages
  # of the result.
  isTestOnly = id: match "(.* [[].*)|(.*[.]test)" id != null;
in
{
  inherit (plan) modulePath goVersion;
  packages = builtins.mapAttrs (id: p: {
    inherit (p) importPath name kind imports;
    files = if p.files == null then [ ] else p.files;
    src = sources.${id} or (if p.module or null == null then null else moduleDirs.${p.module} or null);
    drv = units.${id} or null;
  }) (builtins.removeAttrs plan.packages (filter isTestOnly (attrNames plan.packages)));
  binaries = listToAttrs (map (u: { name = u.binary; value = units."link ${u.id}"; })
    (filter (u: u.mode == "link" && !isTestOnly u.id) plan.units));
  tests = builtins.mapAttrs (id: t: {
    binary = units."link ${t.main}";
    src = sourceOf t.sourceName t.dir t.files;
    inherit (t) dir;
  }) plan.tests;
}
