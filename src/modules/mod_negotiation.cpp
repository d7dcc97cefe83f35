// negotiation_module (mod_negotiation.c): content negotiation — MultiViews over the
// variant files of a missing file name, LanguagePriority, ForceLanguagePriority and
// CacheNegotiatedDocs. The hooks (negotiation/negotiation_hooks.h) need the server's
// TypesConfig table, so the site adds them.

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "modules/module.h"
#include "modules/negotiation/neg_config.h"

namespace tern {

namespace modules {
extern const Module negotiation_module;  // defined below, listed in registry.cpp
}

std::unique_ptr<ModuleConfig> NegDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const NegDirConfig&>(add_base);
  auto merged = std::make_unique<NegDirConfig>(*this);
  if (add.force_priority != negotiation::kFlpUndef) merged->force_priority = add.force_priority;
  if (add.language_priority) merged->language_priority = add.language_priority;
  merged->cache_negotiated_docs = cache_negotiated_docs || add.cache_negotiated_docs;
  return merged;
}

namespace cfg {

std::string set_language_priority(BuildState& st, const Cmd& c) {
  auto& conf = dir_scope<NegDirConfig>(st, modules::negotiation_module);
  if (!conf.language_priority) conf.language_priority.emplace();
  for (const Word& w : c.args) conf.language_priority->push_back(w.text);
  return "";
}

std::string set_force_language_priority(BuildState& st, const Cmd& c) {
  using namespace negotiation;
  auto& conf = dir_scope<NegDirConfig>(st, modules::negotiation_module);
  for (const Word& word : c.args) {
    const std::string& w = word.text;
    if (iequals(w, "None")) {
      if (conf.force_priority & ~kFlpNone)
        return "Cannot combine ForceLanguagePriority options with None";
      conf.force_priority = kFlpNone;
    } else if (iequals(w, "Prefer")) {
      if (conf.force_priority & kFlpNone)
        return "Cannot combine ForceLanguagePriority options None and Prefer";
      conf.force_priority |= kFlpPrefer;
    } else if (iequals(w, "Fallback")) {
      if (conf.force_priority & kFlpNone)
        return "Cannot combine ForceLanguagePriority options None and Fallback";
      conf.force_priority |= kFlpFallback;
    } else {
      return "Invalid ForceLanguagePriority option " + w;
    }
  }
  return "";
}

std::string set_cache_negotiated_docs(BuildState& st, const Cmd& c) {
  auto& conf = dir_scope<NegDirConfig>(st, modules::negotiation_module);
  return parse_flag(c.args[0].text, conf.cache_negotiated_docs);
}

}  // namespace cfg

namespace modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "negotiation_module";

const DirectiveSpec kDirectives[] = {
    {"CacheNegotiatedDocs", kCtxServer, Args::kFlag, set_cache_negotiated_docs,
     "Either 'on' or 'off' (default)", kMod, kOverrideNone},
    {"LanguagePriority", kCtxServer | kCtxDir, Args::kIterate, set_language_priority,
     "space-delimited list of MIME language abbreviations", kMod, kOverrideFileInfo},
    {"ForceLanguagePriority", kCtxServer | kCtxDir, Args::kIterate, set_force_language_priority,
     "Force LanguagePriority elections, either None, or Fallback and/or Prefer", kMod,
     kOverrideFileInfo},
};

}  // namespace

const Module negotiation_module{
    .name = kMod,
    .source = "mod_negotiation.c",
    .directives = kDirectives,
};

}  // namespace modules

}  // namespace tern
