#pragma once
// For config tests: what AddType set at the server level (mime_module's per-directory
// configuration of the server, an empty map when none).

#include <map>
#include <string>

#include "config/config.h"
#include "modules/dir_configs.h"
#include "modules/mime/mime_dir.h"
#include "modules/registry.h"

namespace tern::testing {

// Extension -> AddType's type at the server level of `c`.
inline std::map<std::string, std::string> server_added_types(const Config& c) {
  std::map<std::string, std::string> out;
  DirConfigs d = server_dir_configs(c);
  const auto* m = dir_config<MimeDirConfig>(d, module_index(*find_module("mime_module")));
  if (m == nullptr) return out;
  for (const auto& [ext, info] : m->ext)
    if (info.type) out[ext] = *info.type;
  return out;
}

}  // namespace tern::testing
