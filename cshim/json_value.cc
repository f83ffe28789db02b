// json_value.cc: the "value" of a plan (tagged JSON, docs/abi.md) → a Nix
// value. Plain JSON maps onto Nix as in builtins.fromJSON; two one-key
// objects are tags for strings that carry store path context.
#include <cstdint>
#include <limits>

#include "plan.hh"

namespace gograph {

// Converter holds what converting one plan's value needs: the derivations by
// drvPath, and the attribute sets already made for them, so that a
// derivation referenced from many places is one shared value.
struct Converter {
    nix::EvalState & state;
    PrimOpPos pos;
    std::map<std::string, const PlannedDerivation *> derivations;
    GcValueMap<std::string> made;

    Converter(nix::EvalState & state, PrimOpPos pos, const Plan & plan)
        : state(state), pos(pos)
    {
        for (auto & drv : plan.derivations)
            derivations[drv.drvPath] = &drv;
    }

    // convert sets v to the Nix value of j.
    void convert(const nlohmann::json & j, nix::Value & v)
    {
        switch (j.type()) {
        case nlohmann::json::value_t::null:
            v.mkNull();
            break;
        case nlohmann::json::value_t::boolean:
            v.mkBool(j.get<bool>());
            break;
        case nlohmann::json::value_t::number_integer:
            v.mkInt(j.get<int64_t>());
            break;
        case nlohmann::json::value_t::number_unsigned:
            if (j.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
                throwInternalError(state, pos, "the number %d in the plan is too large for Nix", j.get<uint64_t>());
            v.mkInt(j.get<int64_t>());
            break;
        case nlohmann::json::value_t::number_float:
            v.mkFloat(j.get<nix::NixFloat>());
            break;
        case nlohmann::json::value_t::string:
            mkString(state, v, j.get<std::string>());
            break;
        case nlohmann::json::value_t::array:
            mkList(state, v, j.size(), [&](size_t i, nix::Value & elem) { convert(j[i], elem); });
            break;
        case nlohmann::json::value_t::object:
            convertObject(j, v);
            break;
        default:
            throwInternalError(state, pos, "unexpected JSON in the plan: %s", j.dump());
        }
    }

    // convertObject sets v to the Nix value of the object j, a tag or an
    // attribute set.
    void convertObject(const nlohmann::json & j, nix::Value & v)
    {
        if (j.size() == 1 && j.contains("__gographStorePath")) {
            auto path = j.at("__gographStorePath").get<std::string>();
            mkStringWithContext(state, v, path, {{ContextElem::Opaque, path, ""}});
            return;
        }
        if (j.size() == 1 && j.contains("__gographDerivation")) {
            v = *derivation(j.at("__gographDerivation").get<std::string>());
            return;
        }
        auto attrs = state.buildBindings(j.size());
        for (auto & [name, elem] : j.items())
            convert(elem, attrs.alloc(name));
        v.mkAttrs(attrs);
    }

    // derivation is the attribute set for the planned derivation drvPath,
    // shaped like what `derivation` returns: the default output's set, with
    // one set per output.
    nix::Value * derivation(const std::string & drvPath)
    {
        if (auto m = made.find(drvPath); m != made.end())
            return m->second;
        auto d = derivations.find(drvPath);
        if (d == derivations.end())
            throwInternalError(state, pos, "the plan refers to derivation '%s', which it does not contain", drvPath);
        auto & drv = *d->second;
        if (drv.outputs.empty())
            throwInternalError(state, pos, "derivation '%s' has no outputs", drvPath);

        // In the order of the derivation's "outputs", as `derivation` lists
        // them (checked by writePlan).
        GcValueMap<std::string> outputs;
        auto & outputNames = drv.outputNames;
        for (auto & name : outputNames)
            outputs[name] = state.allocValue();
        auto names = state.allocValue();
        mkList(state, *names, outputNames.size(),
            [&](size_t i, nix::Value & elem) { mkString(state, elem, outputNames[i]); });

        for (auto & [name, path] : drv.outputs) {
            auto attrs = state.buildBindings(6 + outputs.size());
            mkString(state, attrs.alloc("type"), "derivation");
            mkString(state, attrs.alloc("name"), drv.name);
            mkStringWithContext(state, attrs.alloc("drvPath"), drvPath, {{ContextElem::DrvDeep, drvPath, ""}});
            mkStringWithContext(state, attrs.alloc("outPath"), path, {{ContextElem::Built, drvPath, name}});
            mkString(state, attrs.alloc("outputName"), name);
            attrs.insert(state.symbols.create("outputs"), names);
            for (auto & [other, value] : outputs)
                attrs.insert(state.symbols.create(other), value);
            outputs[name]->mkAttrs(attrs);
        }
        // The first output, as `derivation` returns it.
        auto v = outputs[outputNames.front()];
        made[drvPath] = v;
        return v;
    }
};

void jsonToValue(nix::EvalState & state, PrimOpPos pos, const Plan & plan, nix::Value & v)
{
    Converter(state, pos, plan).convert(plan.value, v);
}

}
