#include "modules/dir_configs.h"

#include "modules/registry.h"

namespace tern {

bool create_dir_configs(const LocationSpec& scope, DirConfigs* out, std::string* error) {
  const auto mods = all_modules();
  out->assign(mods.size(), nullptr);
  for (size_t i = 0; i < mods.size(); ++i) {
    if (mods[i]->create_dir_config == nullptr) continue;
    std::string why;
    std::unique_ptr<ModuleConfig> c = mods[i]->create_dir_config(scope, &why);
    if (!why.empty()) {
      if (error) *error = why;
      return false;
    }
    (*out)[i] = std::move(c);
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
