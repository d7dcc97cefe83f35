#include "modules/dir_configs.h"

#include "modules/registry.h"

namespace tern {

bool create_dir_configs(const LocationSpec& scope, DirConfigs* out, std::string* error) {
  const auto mods = all_modules();
  out->assign(mods.size(), nullptr);
  for (size_t i = 0; i < mods.size(); ++i) {
    // What the module's own setters built for the scope (config/dir_scope.h).
    if (i < scope.module_dir.size() && scope.module_dir[i]) (*out)[i] = scope.module_dir[i];
    if (mods[i]->create_dir_config == nullptr) continue;
    std::string why;
    std::unique_ptr<ModuleConfig> c = mods[i]->create_dir_config(scope, &why);
    if (!why.empty()) {
      if (error) *error = why;
      return false;
    }
    if (c) (*out)[i] = std::move(c);
  }
  return true;
}

DirConfigs merge_dir_configs(const DirConfigs& base, const DirConfigs& add) {
  DirConfigs merged(base.size());
  for (size_t i = 0; i < base.size(); ++i) {
    if (add[i] == nullptr) {
      merged[i] = base[i];
    } else if (base[i] == nullptr) {
      merged[i] = add[i];
    } else {
      merged[i] = base[i]->merge(*add[i]);
    }
  }
  return merged;
}

}  // namespace tern

namespace tern {

DirConfigs server_dir_configs(const Config& config) {
  DirConfigs out(all_modules().size());
  for (size_t i = 0; i < out.size() && i < config.server_module_dir.size(); ++i)
    out[i] = config.server_module_dir[i];
  return out;
}

}  // namespace tern
