#pragma once
// mod_negotiation's per-directory configuration (httpd's neg_dir_config) and the
// server-wide CacheNegotiatedDocs flag.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/build_state.h"
#include "config/module_config.h"
#include "modules/negotiation/negotiate.h"

namespace tern {

struct NegDirConfig final : ModuleConfig {
  unsigned force_priority = negotiation::kFlpUndef;           // ForceLanguagePriority flags
  std::optional<std::vector<std::string>> language_priority;  // LanguagePriority
  bool cache_negotiated_docs = false;  // CacheNegotiatedDocs (server level only)
  // httpd's merge_neg_dir_configs: the subdirectory's values where it sets them.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

namespace cfg {
// LanguagePriority lang...: appends to this scope's list (httpd's set_language_priority).
std::string set_language_priority(BuildState&, const Cmd&);
// ForceLanguagePriority None|Prefer|Fallback...: httpd's set_force_priority.
std::string set_force_language_priority(BuildState&, const Cmd&);
// CacheNegotiatedDocs On|Off.
std::string set_cache_negotiated_docs(BuildState&, const Cmd&);
}  // namespace cfg

}  // namespace tern
