#pragma once
// The one list of tern's modules (httpd's ap_prelinked_modules): what `-l` prints,
// what <IfModule> tests, whose directive tables the configuration parser reads.

#include <span>
#include <string_view>
#include <vector>

#include "modules/module.h"

namespace tern {

// Every built-in module, in the order their hooks run within a phase (httpd's order of
// `-l`: core first).
std::span<const Module* const> all_modules();

// The module named `name` as httpd's <IfModule> accepts it: the module name
// ("mime_module") or its source file ("mod_mime.c"); null when tern has none.
const Module* find_module(std::string_view name);

// The module names ("core_module", …), in registry order.
std::vector<std::string_view> module_names();

// The module <IfModule name> names: a registered module that is not a placeholder, by its
// module name or source file (also the "mod_mpm_event.c" form); null when tern has none.
const Module* match_module(std::string_view name);

// True when <IfModule name> holds with every module active: a registered module that is not a
// placeholder, named by its module name or source file (also the "mod_mpm_event.c" form tern always
// took).
bool module_active(std::string_view name);

// True when the module named `name` is active in a configuration whose active flags (by
// module_index(), Config::active_modules) are `active`; empty flags: every module is.
bool module_enabled(const std::vector<bool>& active, std::string_view name);

// The index of `m` in modules(), for per-module configuration vectors; -1 when not
// registered.
int module_index(const Module& m);

}  // namespace tern
