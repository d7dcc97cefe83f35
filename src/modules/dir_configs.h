#pragma once
// Per-directory configurations of every module: created per section, merged in httpd's
// order (ap_create_per_dir_config / ap_merge_per_dir_configs).

#include <string>

#include "modules/module.h"

namespace tern {

// Every module's configuration for the section `scope` (null entries where it sets
// nothing); false with *error set when a module refuses the section.
bool create_dir_configs(const LocationSpec& scope, DirConfigs* out, std::string* error);

// The server level's per-directory configuration (httpd's lookup_defaults): what
// per-directory directives outside any section set, one entry per registered module.
DirConfigs server_dir_configs(const Config& config);

// `add` applied over `base`, module by module (each module's ModuleConfig::merge; a
// null side keeps the other). Both have one entry per registered module.
DirConfigs merge_dir_configs(const DirConfigs& base, const DirConfigs& add);

// The configuration of module `m` in `dir` as its own type, or null when unset.
template <class T>
const T* dir_config(const DirConfigs& dir, int module_index) {
  return static_cast<const T*>(dir[static_cast<size_t>(module_index)].get());
}

}  // namespace tern
