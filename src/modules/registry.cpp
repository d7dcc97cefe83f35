#include "modules/registry.h"

#include <array>

namespace tern {

// Each built-in module's descriptor, defined beside its directive table.
namespace modules {
extern const Module core_module;
extern const Module so_module;
extern const Module http_module;
extern const Module mpm_event_module;
extern const Module unixd_module;
extern const Module log_config_module;
extern const Module logio_module;
extern const Module reqtimeout_module;
extern const Module mime_module;
extern const Module dir_module;
extern const Module alias_module;
extern const Module authz_core_module;
extern const Module authz_host_module;
extern const Module status_module;
extern const Module cgid_module;
extern const Module cgi_module;
extern const Module env_module;
extern const Module negotiation_module;
extern const Module deflate_module;
extern const Module filter_module;
extern const Module auth_basic_module;
extern const Module authn_core_module;
extern const Module authn_file_module;
extern const Module authz_user_module;
extern const Module setenvif_module;
extern const Module access_compat_module;
extern const Module autoindex_module;
extern const Module ssl_module;
extern const Module socache_shmcb_module;
extern const Module headers_module;
extern const Module rewrite_module;
// A module defined elsewhere: declare it here and append it to kModules below.
}  // namespace modules

namespace {

// auth_basic before authn_core: authn_core's check_user_id runs last (APR_HOOK_LAST).
const Module* const kModules[] = {
    &modules::core_module,          &modules::so_module,
    &modules::http_module,          &modules::mpm_event_module,
    &modules::unixd_module,         &modules::log_config_module,
    &modules::logio_module,         &modules::reqtimeout_module,
    &modules::mime_module,          &modules::dir_module,
    &modules::alias_module,         &modules::authz_core_module,
    &modules::authz_host_module,    &modules::status_module,
    &modules::cgid_module,          &modules::cgi_module,
    &modules::env_module,           &modules::deflate_module,
    &modules::filter_module,        &modules::auth_basic_module,
    &modules::authn_core_module,    &modules::authn_file_module,
    &modules::authz_user_module,    &modules::setenvif_module,
    &modules::access_compat_module, &modules::autoindex_module,
    &modules::negotiation_module,   &modules::ssl_module,
    &modules::socache_shmcb_module, &modules::headers_module,
    &modules::rewrite_module,
};

}  // namespace

std::span<const Module* const> all_modules() {
  return kModules;
}

const Module* find_module(std::string_view name) {
  for (const Module* m : kModules) {
    if (name == m->name || name == m->source) return m;
  }
  return nullptr;
}

std::vector<std::string_view> module_names() {
  std::vector<std::string_view> names;
  for (const Module* m : kModules) names.push_back(m->name);
  return names;
}

const Module* match_module(std::string_view name) {
  for (const Module* m : kModules) {
    if (m->placeholder) continue;
    if (name == m->name || name == m->source) return m;
    // "mod_mpm_event.c": the name without "_module" between "mod_" and ".c".
    const std::string_view base = m->name.substr(0, m->name.size() - 7);
    if (name.size() == base.size() + 6 && name.starts_with("mod_") && name.ends_with(".c") &&
        name.substr(4, base.size()) == base)
      return m;
  }
  return nullptr;
}

bool module_active(std::string_view name) {
  return match_module(name) != nullptr;
}

bool module_enabled(const std::vector<bool>& active, std::string_view name) {
  const Module* m = find_module(name);
  if (m == nullptr || m->placeholder) return false;
  if (active.empty()) return true;
  const auto i = static_cast<size_t>(module_index(*m));
  return i < active.size() && active[i];
}

int module_index(const Module& m) {
  for (size_t i = 0; i < std::size(kModules); ++i) {
    if (kModules[i] == &m) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace tern
