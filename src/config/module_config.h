#pragma once
// A module's configuration for one per-directory scope (httpd's per-dir config), the
// type the configuration stores and the modules merge. Kept apart from module.h so that
// the Config can hold what the directive setters build.

#include <memory>
#include <vector>

namespace tern {

// One module's configuration for one scope (server, <Directory>, <Location>, .htaccess,
// …). Built by the directive setters; immutable once the configuration is built and
// shared by every thread.
class ModuleConfig {
 public:
  virtual ~ModuleConfig() = default;
  // httpd's merge_dir_config(base = this, add): the configuration of a scope nested in
  // (or applied after) this one, where `add` holds what the nested scope sets itself.
  // `add` is of the same dynamic type as this.
  virtual std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const = 0;
};

// One scope's configuration for every module, indexed by module_index(); null where
// neither the scope nor an enclosing one sets anything for that module.
using DirConfigs = std::vector<std::shared_ptr<const ModuleConfig>>;

// What the directive setters of one scope build, per module (by module_index()); null
// where the scope sets nothing for that module. Becomes a DirConfigs once built.
using ModuleDirSlots = std::vector<std::shared_ptr<ModuleConfig>>;

}  // namespace tern
