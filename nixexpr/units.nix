# The planner's description of a build (`gograph plan-units`,
# graph.Description) resolved into derivations the way the plugin resolves
# it (gobridge/graph/resolve.go): the same names, environments and inputs,
# so the same .drv paths. Each unit lists its inputs; nothing here searches
# an action for a store path. Returns what builtins.goPackageGraph returns
# (packages, binaries, tests).
{ system ? builtins.currentSystem }:

{ plan           # the parsed description
, src            # the module root: a path or a store path (string)
, go, builder
, cc ? null
, buildInputs ? [ ]
}:

let
  inherit (builtins) appendContext attrNames elem filter foldl' getContext listToAttrs map replaceStrings;

  plain = builtins.unsafeDiscardStringContext;
  srcPath = if builtins.isPath src then src else /. + plain src;

  # A third-party module is its plain store path, an input source, as the
  # plugin adds it (graph.Description says why). The planner got it from
  # modules.nix's fixed-output derivation, which the planning derivation
  # (this plan's import) has built.
  module = key: let path = plain plan.modules.${key}.storePath; in
    appendContext path { ${path} = { path = true; }; };

  # The inputs a unit lists, as strings whose context is the input.
  inputsOf = u:
    (if u.inputs.toolchain then [ "${go}" ] else [ ])
    ++ (if !u.inputs.cc then [ ]
        else if cc == null then throw "nix-gograph: ${u.id} runs the C compiler, but there is none (cc)"
        else [ "${cc}" ])
    ++ (if u.inputs.libraries or false then map (p: "${p}") buildInputs else [ ])
    ++ map module u.inputs.modules;
  # withContextOf s inputs: s with the context of each of inputs added.
  withContextOf = foldl' (s: input: appendContext s (getContext input));

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
  # With plan.contentAddressed (graph.Description) a compile is floating
  # content-addressed with two outputs: "export", the export data other
  # compiles read, and "out", the linker's object links read.
  contentAddressed = plan.contentAddressed or false;
  caAttrs = u: if contentAddressed && u.mode == "compile" then {
    __contentAddressed = true;
    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputs = [ "out" "export" ];
  } else { };
  archiveOf = u: d: if contentAddressed && u.mode == "compile" then units.${d}.export else units.${d};
  # A link also has every compile's export data as an input, unread
  # (resolve.go says why).
  linkInputs = u: if contentAddressed && u.mode == "link" then map (d: "${units.${d}.export}") u.inputs.deps else [ ];
  units = listToAttrs (map (u: { name = unitKey u; value = unitDrv u; }) plan.units);
  # The action with its placeholders filled in, left to right; "$$" (an
  # escaped "$") stays as it is, so a "$" the user wrote starts none.
  unitDrv = u:
    let source = u.inputs.source; in
    derivation (caAttrs u // {
      inherit (u) name;
      inherit system builder;
      passAsFile = [ "gographAction" ];
      gographAction = withContextOf (replaceStrings
        ([ "$$" ] ++ map (d: "$GOGRAPH_ARCHIVE{${d}}") u.inputs.deps
          ++ (if source == null then [ ] else [ "$GOGRAPH_SOURCE{${source}}" ]))
        ([ "$$" ] ++ map (d: "${archiveOf u d}/pkg.a") u.inputs.deps
          ++ (if source == null then [ ] else [ "${sources.${source}}" ]))
        u.action) (inputsOf u ++ linkInputs u);
    });
in
{
  inherit (plan) modulePath goVersion;
  # Test variants, external test packages and test helpers are not
  # packages of the result.
  packages = builtins.mapAttrs (id: p: {
    inherit (p) importPath name kind imports files;
    src = sources.${id} or (if p.module or null == null then null else module p.module);
    drv = units.${id} or null;
  }) (builtins.removeAttrs plan.packages (filter (id: plan.packages.${id}.testOnly or false) (attrNames plan.packages)));
  binaries = listToAttrs (map (u: { name = u.binary; value = units."link ${u.id}"; })
    (filter (u: u.mode == "link" && !(u.test or false)) plan.units));
  tests = builtins.mapAttrs (id: t: {
    binary = units."link ${t.main}";
    src = sourceOf t.sourceName t.dir t.files;
    inherit (t) dir;
  }) plan.tests;
}
