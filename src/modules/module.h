#pragma once
// A module, as httpd's `module` struct: its name, its source file, its directive table,
// its per-directory configuration (create + merge) and the request phases it hooks.
// Every feature of tern is one; src/modules/registry.h lists them.

#include <memory>
#include <span>
#include <string_view>

#include "config/directive_table.h"

namespace tern {

// One module's configuration for one scope (server, <Location>, …). Immutable once the
// configuration is built; shared by every thread.
class ModuleConfig {
 public:
  virtual ~ModuleConfig() = default;
  // httpd's merge_dir_config(base = this, add): the configuration of a scope nested in
  // (or applied after) this one, where `add` holds what the nested scope sets itself.
  // `add` is of the same dynamic type as this.
  virtual std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const = 0;
};

// The request phases a module can hook, in httpd's order.
enum class Phase : unsigned {
  kTranslateName,   // URL → file name (mod_alias, core)
  kMapToStorage,    // per-directory configuration for the file
  kAccessChecker,   // authorization by host/IP, Require (mod_authz_core)
  kFixups,          // last changes before the handler
  kHandler,         // produces the response, selected by handler name
  kLogTransaction,  // after the response (mod_log_config)
};

// The descriptor of one module. Constant data, defined next to its directive table.
struct Module {
  std::string_view name;    // httpd's module name, "alias_module"
  std::string_view source;  // httpd's source file, "mod_alias.c" (what `-l` prints)
  std::span<const cfg::DirectiveSpec> directives = {};  // may be empty
  // Creates this module's empty per-directory configuration for a scope; null when the
  // module keeps no per-directory configuration.
  std::unique_ptr<ModuleConfig> (*create_dir_config)() = nullptr;
  unsigned hooks = 0;  // bitmask of 1u << Phase the module takes part in
  // Registered ahead of its implementation (its directives do not exist yet, or are
  // ignored): <IfModule> and `-l` do not report it, so no section meant for httpd's
  // module is read by tern.
  bool placeholder = false;
};

// The bit of `p` in Module::hooks.
constexpr unsigned phase_bit(Phase p) {
  return 1u << static_cast<unsigned>(p);
}

}  // namespace tern
