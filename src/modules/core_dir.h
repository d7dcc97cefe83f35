#pragma once
// core_module's per-directory configuration: SetHandler.

#include <optional>
#include <string>

#include "modules/module.h"

namespace tern {

// What a section of core sets for the requests it matches.
struct CoreDirConfig final : ModuleConfig {
  std::optional<std::string> handler;  // SetHandler ("server-status", "none", …)
  // The later section's SetHandler wins when it has one.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// The SetHandler name in effect in `dir` (merged), or null when none is set.
const std::string* dir_handler(const DirConfigs& dir);

}  // namespace tern
