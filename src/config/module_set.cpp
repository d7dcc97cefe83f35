#include "config/module_set.h"

#include <array>

#include "config/config_values.h"
#include "modules/module.h"
#include "modules/registry.h"

namespace tern::cfg {

namespace {

// httpd's statically linked modules on Debian (`apache2 -l`) that tern implements:
// core.c, http_core.c, mod_so.c, mod_log_config.c, mod_logio.c, mod_unixd.c. Debian's
// mod_version.c and mod_watchdog.c are not claimed (tern has neither <IfVersion> nor a
// watchdog), so <IfModule mod_version.c> is false in tern.
constexpr std::array<std::string_view, 6> kStatic = {
    "core_module", "http_module", "so_module", "log_config_module", "logio_module", "unixd_module"};

// mpm_common directives httpd 2.4 defines in core.c rather than in the MPM (apache2 -L).
constexpr std::array<std::string_view, 4> kCoreMpmCommon = {
    "PidFile", "ScoreBoardFile", "MaxConnectionsPerChild", "MaxRequestsPerChild"};

// The most uses before the first LoadModule that are remembered (each becomes an error).
constexpr size_t kMaxEarlyUses = 100;

}  // namespace

ModuleSet::ModuleSet() : loaded_(all_modules().size(), false) {}

ModuleSet ModuleSet::from_result(const std::vector<bool>& active) {
  ModuleSet set;
  if (active.empty()) return set;
  set.restricted_ = true;
  for (size_t i = 0; i < active.size() && i < set.loaded_.size(); ++i) set.loaded_[i] = active[i];
  return set;
}

bool ModuleSet::is_static(const Module& m) {
  for (std::string_view s : kStatic) {
    if (m.name == s) return true;
  }
  return false;
}

std::string_view ModuleSet::required_module(std::string_view directive, std::string_view module) {
  for (std::string_view d : kCoreMpmCommon) {
    if (iequals(d, directive)) return "core_module";
  }
  return module;
}

bool ModuleSet::active(const Module& m) const {
  if (m.placeholder) return false;
  if (!restricted_ || is_static(m)) return true;
  const int i = module_index(m);
  return i >= 0 && loaded_[static_cast<size_t>(i)];
}

bool ModuleSet::if_module(std::string_view name) const {
  const Module* m = match_module(name);
  return m != nullptr && active(*m);
}

std::string ModuleSet::load(std::string_view name, const std::string& where, bool* repeated) {
  const Module* m = find_module(name);
  if (!restricted_) {
    restricted_ = true;
    late_ = std::move(early_);
    early_.clear();
  }
  if (m == nullptr || m->placeholder || m->name != name)
    return "tern has no " + shorten(name) + " (LoadModule at " + where +
           "); tern loads no shared objects, see `tern -l` for the modules it has";
  const auto i = static_cast<size_t>(module_index(*m));
  *repeated = loaded_[i] || is_static(*m);
  loaded_[i] = true;
  return "";
}

void ModuleSet::note_unrestricted_use(const Module& m, const std::string& file, int line,
                                      std::string_view what) {
  if (restricted_ || is_static(m) || early_.size() >= kMaxEarlyUses) return;
  early_.push_back({file, line, std::string(what), std::string(m.name)});
}

std::vector<ModuleSet::EarlyUse> ModuleSet::take_early_uses() {
  std::vector<EarlyUse> out = std::move(late_);
  late_.clear();
  return out;
}

std::vector<bool> ModuleSet::result() const {
  if (!restricted_) return {};
  std::vector<bool> out(loaded_.size());
  const auto mods = all_modules();
  for (size_t i = 0; i < mods.size(); ++i) out[i] = active(*mods[i]);
  return out;
}

}  // namespace tern::cfg
