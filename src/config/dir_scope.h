#pragma once
// For a module's per-directory directive setters: the configuration of that module in
// the section being read (or the server level, or the .htaccess file), created on first
// use — httpd's `mconfig` argument of a command handler.

#include "config/build_state.h"
#include "modules/registry.h"

namespace tern::cfg {

// Module `m`'s configuration of type T (a ModuleConfig with a default constructor) in the
// innermost open section; every setter of `m` must use the same T.
template <class T>
T& dir_scope(BuildState& st, const Module& m) {
  std::shared_ptr<ModuleConfig>& slot = st.module_dir_slot(static_cast<size_t>(module_index(m)));
  if (!slot) slot = std::make_shared<T>();
  return static_cast<T&>(*slot);
}

}  // namespace tern::cfg
