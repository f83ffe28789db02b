// request.cc: the argument attribute set of builtins.goPackageGraph → the
// request JSON of docs/abi.md.
#include <algorithm>
#include <set>

#include "plan.hh"

namespace gograph {

// knownAttrs are the attributes builtins.goPackageGraph takes, in the order
// error messages list them.
static const std::vector<std::string> knownAttrs = {
    "src", "subPackages", "excludedPackages", "tags", "ldflags", "gcflags", "asmflags", "goos", "goarch",
    "cgo", "cc", "buildInputs", "pkgConfig", "goEnv", "tests", "workspace", "contentAddressed", "go", "builder",
    "system",
};

// forceAttr forces the attribute attr and checks that its type is one of
// types, described to the user as what.
static nix::Value & forceAttr(nix::EvalState & state, const nix::Attr & attr,
    std::initializer_list<nix::ValueType> types, const char * what)
{
    auto name = symbolName(state, attr.name);
    try {
        forceValue(state, *attr.value, attrPos(attr));
    } catch (nix::Error & e) {
        addTrace(state, e, attrPos(attr), "while evaluating the '%s' attribute passed to builtins.goPackageGraph", name);
        throw;
    }
    for (auto t : types)
        if (attr.value->type() == t)
            return *attr.value;
    throwError<nix::TypeError>(state, attrPos(attr),
        "the '%s' attribute passed to builtins.goPackageGraph must be %s, but it is %s",
        name, what, nix::showType(*attr.value));
}

// utf8String is s, the value of the attribute attr, checked to be UTF-8
// (the request is JSON); what says which part of attr it is, if not all.
static std::string utf8String(nix::EvalState & state, const nix::Attr & attr, std::string_view s,
    const std::string & what = "")
{
    if (!isValidUtf8(s)) {
        auto name = symbolName(state, attr.name);
        if (what.empty())
            throwError<nix::TypeError>(state, attrPos(attr),
                "the '%s' attribute passed to builtins.goPackageGraph is not valid UTF-8", name);
        throwError<nix::TypeError>(state, attrPos(attr),
            "the '%s' attribute passed to builtins.goPackageGraph: %s is not valid UTF-8", name, what);
    }
    return std::string(s);
}

// plainString is the attribute attr as a string that refers to no store path.
static std::string plainString(nix::EvalState & state, const nix::Attr & attr)
{
    auto & v = forceAttr(state, attr, {nix::nString}, "a string");
    if (hasContext(v))
        throwError<nix::TypeError>(state, attrPos(attr),
            "the '%s' attribute passed to builtins.goPackageGraph must not refer to a store path",
            symbolName(state, attr.name));
    return utf8String(state, attr, stringOf(v));
}

// stringList is the attribute attr as a list of strings that refer to no
// store path.
static std::vector<std::string> stringList(nix::EvalState & state, const nix::Attr & attr)
{
    auto name = symbolName(state, attr.name);
    auto & list = forceAttr(state, attr, {nix::nList}, "a list of strings");
    std::vector<std::string> strings;
    for (auto elem : listItems(list)) {
        try {
            forceValue(state, *elem, attrPos(attr));
        } catch (nix::Error & e) {
            addTrace(state, e, attrPos(attr),
                "while evaluating element %d of the '%s' attribute passed to builtins.goPackageGraph",
                strings.size(), name);
            throw;
        }
        if (elem->type() != nix::nString)
            throwError<nix::TypeError>(state, attrPos(attr),
                "element %d of the '%s' attribute passed to builtins.goPackageGraph must be a string, but it is %s",
                strings.size(), name, nix::showType(*elem));
        if (hasContext(*elem))
            throwError<nix::TypeError>(state, attrPos(attr),
                "element %d of the '%s' attribute passed to builtins.goPackageGraph must not refer to a store path",
                strings.size(), name);
        strings.push_back(utf8String(state, attr, stringOf(*elem), nix::fmt("element %d", strings.size())));
    }
    return strings;
}

// stringAttrs is the attribute attr (`goEnv`) as an object of strings that
// refer to no store path.
static nlohmann::json stringAttrs(nix::EvalState & state, const nix::Attr & attr)
{
    auto name = symbolName(state, attr.name);
    auto & set = forceAttr(state, attr, {nix::nAttrs}, "an attribute set of strings");
    auto object = nlohmann::json::object();
    for (auto elem : sortedAttrs(state, *attrsOf(set))) {
        auto key = symbolName(state, elem->name);
        auto what = nix::fmt("'%s.%s'", name, key);
        try {
            forceValue(state, *elem->value, attrPos(attr));
        } catch (nix::Error & e) {
            addTrace(state, e, attrPos(attr), "while evaluating %s passed to builtins.goPackageGraph", what);
            throw;
        }
        if (elem->value->type() != nix::nString)
            throwError<nix::TypeError>(state, attrPos(attr),
                "%s passed to builtins.goPackageGraph must be a string, but it is %s", what, nix::showType(*elem->value));
        if (hasContext(*elem->value))
            throwError<nix::TypeError>(state, attrPos(attr),
                "%s passed to builtins.goPackageGraph must not refer to a store path", what);
        object[utf8String(state, attr, key, what + "'s name")] = utf8String(state, attr, stringOf(*elem->value), what);
    }
    return object;
}

// sourcePath is the `src` attribute as an absolute path the planner may read:
// a path value is used in place (not copied to the store), a string with
// context has its derivations built first.
static std::string sourcePath(nix::EvalState & state, const nix::Attr & attr)
{
    auto & v = forceAttr(state, attr, {nix::nPath, nix::nString, nix::nAttrs}, "a path, a string or a derivation");
    return utf8String(state, attr,
        realisePath(state, attrPos(attr), v, "while evaluating the 'src' attribute passed to builtins.goPackageGraph"));
}

// checkRunnable refuses, under restrict-eval or pure-eval, a realised `go`,
// `cc`, `pkgConfig` or library of `buildInputs` the evaluator itself may
// not read: the planner runs programs from it (or pkg-config reads it) and
// shows its closure in the sandbox, which must not reveal more than
// Nix would. Derivation outputs in its context are allowed once
// realiseContext has built them, as are paths this evaluation added to the
// store (builtins.path); a store path written as a plain string is not,
// unless it is below an allowed path (-I, NIX_PATH). A path that
// is not absolute is left to the planner, which refuses it.
// What says which it is ("the 'go' attribute", "element 0 of the
// 'buildInputs' attribute"), and how planning uses it ("run", "read").
static void checkRunnable(nix::EvalState & state, const nix::Attr & attr, const std::string & what,
    const char * use, const std::string & path)
{
    auto & eval = evalSettings(state);
    if (!(eval.restrictEval || eval.pureEval) || path.empty() || path[0] != '/')
        return;
    try {
        checkAccess(state, path);
    } catch (nix::RestrictedPathError & e) {
        throwError(state, attrPos(attr), "builtins.goPackageGraph cannot %s %s: %s", use, what, e.info().msg.str());
    }
}

// storeValue is v, the attribute attr or (what says which part) an
// element of it, as {"path", "inputDrvs", "inputSrcs"}: its string value
// and its context, split as a derivation would split it. If realise is
// set, the context is built first and the path checked as Nix checks a
// path it reads, since the planner runs programs from it or reads it.
static nlohmann::json storeValue(nix::EvalState & state, const nix::Attr & attr, nix::Value & v,
    const std::string & what, bool realise, const char * use = "run")
{
    auto errorCtx = "while evaluating " + what + " passed to builtins.goPackageGraph";
    Context context;
    auto path = coerceToString(state, attrPos(attr), v, context, errorCtx);
    utf8String(state, attr, path);
    if (realise) {
        path = nix::rewriteStrings(path, realiseContext(state, attrPos(attr), context, errorCtx));
        checkRunnable(state, attr, what, use, path);
    }

    std::map<std::string, std::set<std::string>> drvOutputs;
    std::set<std::string> srcs;
    for (auto & elem : parseContext(state, attrPos(attr), context)) {
        switch (elem.kind) {
        case ContextElem::Opaque:
            srcs.insert(elem.path);
            break;
        case ContextElem::Built:
            drvOutputs[elem.path].insert(elem.output);
            break;
        case ContextElem::DrvDeep:
            throwError<nix::TypeError>(state, attrPos(attr),
                "%s passed to builtins.goPackageGraph refers to the derivation '%s' itself "
                "(a drvPath); pass one of its outputs instead", what, elem.path);
        }
    }

    auto inputDrvs = nlohmann::json::array();
    for (auto & [drvPath, outputs] : drvOutputs) {
        auto hash = drvHashModulo(state, attrPos(attr), state.store->parseStorePath(drvPath), *outputs.begin());
        inputDrvs.push_back({
            {"drvPath", drvPath},
            {"outputs", outputs},
            {"hashModulo", hexOf(hash)},
        });
    }
    return {
        {"path", path},
        {"inputDrvs", inputDrvs},
        {"inputSrcs", srcs},
    };
}

// storeString is the attribute attr (`go`, `builder`, `cc` or
// `pkgConfig`) as storeValue makes it.
static nlohmann::json storeString(nix::EvalState & state, const nix::Attr & attr, bool realise)
{
    auto & v = forceAttr(state, attr, {nix::nString, nix::nPath, nix::nAttrs}, "a string, a path or a derivation");
    return storeValue(state, attr, v, "the '" + symbolName(state, attr.name) + "' attribute", realise);
}

// storeList is the attribute attr (`buildInputs`) as a list of what
// storeValue makes of each element, realised: planning reads them.
static nlohmann::json storeList(nix::EvalState & state, const nix::Attr & attr)
{
    auto name = symbolName(state, attr.name);
    auto & list = forceAttr(state, attr, {nix::nList}, "a list");
    auto inputs = nlohmann::json::array();
    for (auto elem : listItems(list)) {
        auto what = nix::fmt("element %d of the '%s' attribute", inputs.size(), name);
        try {
            forceValue(state, *elem, attrPos(attr));
        } catch (nix::Error & e) {
            addTrace(state, e, attrPos(attr), "while evaluating %s passed to builtins.goPackageGraph", what);
            throw;
        }
        auto type = elem->type();
        if (type != nix::nString && type != nix::nPath && type != nix::nAttrs)
            throwError<nix::TypeError>(state, attrPos(attr),
                "%s passed to builtins.goPackageGraph must be a string, a path or a derivation, but it is %s",
                what, nix::showType(*elem));
        inputs.push_back(storeValue(state, attr, *elem, what, true, "read"));
    }
    return inputs;
}

// checkAttrs rejects attributes builtins.goPackageGraph does not take.
static void checkAttrs(nix::EvalState & state, Bindings & attrs)
{
    for (auto attr : sortedAttrs(state, attrs)) {
        auto name = symbolName(state, attr->name);
        if (std::find(knownAttrs.begin(), knownAttrs.end(), name) == knownAttrs.end())
            throwError<nix::TypeError>(state, attrPos(*attr),
                "builtins.goPackageGraph does not take an attribute '%s'; it takes %s",
                name, nix::concatStringsSep(", ", knownAttrs));
    }
}

nlohmann::json planRequest(nix::EvalState & state, PrimOpPos pos, nix::Value & arg)
{
    forceValue(state, arg, pos);
    if (arg.type() != nix::nAttrs)
        throwError<nix::TypeError>(state, pos,
            "builtins.goPackageGraph takes an attribute set, but got %s", nix::showType(arg));
    auto & attrs = *attrsOf(arg);
    checkAttrs(state, attrs);

    auto get = [&](const char * name) { return attrs.get(state.symbols.create(name)); };
    auto need = [&](const char * name) -> const nix::Attr & {
        auto attr = get(name);
        if (!attr)
            throwError(state, pos, "attribute '%s' missing in the argument of builtins.goPackageGraph", name);
        return *attr;
    };

    auto & src = need("src");
    auto & go = need("go");
    auto & builder = need("builder");

    nlohmann::json request = {
        {"subPackages", nlohmann::json::array()},
        {"tags", nlohmann::json::array()},
        {"ldflags", nlohmann::json::array()},
        {"gcflags", nlohmann::json::array()},
        {"asmflags", nlohmann::json::array()},
        {"excludedPackages", nlohmann::json::array()},
        {"goos", ""},
        {"goarch", ""},
        {"cgo", false},
        {"tests", false},
        {"system", nix::settings.thisSystem.get()},
    };
    request["src"] = sourcePath(state, src);
    for (auto name : {"subPackages", "excludedPackages", "tags", "ldflags", "gcflags", "asmflags"})
        if (auto attr = get(name))
            request[name] = stringList(state, *attr);
    for (auto name : {"goos", "goarch", "system"})
        if (auto attr = get(name))
            request[name] = plainString(state, *attr);
    for (auto name : {"cgo", "tests", "workspace"})
        if (auto attr = get(name))
            request[name] = boolOf(forceAttr(state, *attr, {nix::nBool}, "a Boolean"));
    // Content-addressed compiles unless told otherwise, if Nix can build
    // them.
    request["contentAddressed"] = caDerivationsEnabled();
    if (auto attr = get("contentAddressed")) {
        auto & v = forceAttr(state, *attr, {nix::nBool, nix::nNull}, "a Boolean or null");
        if (v.type() == nix::nBool) {
            if (boolOf(v) && !caDerivationsEnabled())
                throwError(state, attrPos(*attr), "contentAddressed = true needs the 'ca-derivations' experimental "
                    "feature (experimental-features = ca-derivations)");
            request["contentAddressed"] = boolOf(v);
        }
    }
    if (auto attr = get("cc"))
        request["cc"] = storeString(state, *attr, true);
    if (auto attr = get("goEnv"))
        request["goEnv"] = stringAttrs(state, *attr);
    if (auto attr = get("buildInputs"))
        request["buildInputs"] = storeList(state, *attr);
    if (auto attr = get("pkgConfig"))
        request["pkgConfig"] = storeString(state, *attr, true);
    request["go"] = storeString(state, go, true);
    request["builder"] = storeString(state, builder, false);

    std::vector<std::string> toolchains = {request["go"]["path"]};
    for (auto name : {"cc", "pkgConfig"})
        if (request.contains(name))
            toolchains.push_back(request[name]["path"]);
    if (request.contains("buildInputs"))
        for (auto & input : request["buildInputs"])
            toolchains.push_back(input["path"]);
    request["policy"] = planPolicy(state, pos, toolchains);
    return request;
}

}
