#pragma once
// The one list of httpd directives tern accepts without effect, each chosen so that
// ignoring it changes no response (README "Directives accepted without effect"). `-t`
// and startup warn once per directive. Internal to src/config.

#include <span>
#include <string_view>

#include "config/directive_table.h"

namespace tern::cfg {

// One ignored directive: its name, owning module, contexts, argument shape, and why
// ignoring it changes no response.
struct IgnoredDirective {
  std::string_view name;
  std::string_view module;  // httpd's module name; the directive is valid only when active
  unsigned contexts;
  Args args;
  std::string_view reason;
};

// The row for `name` (case-insensitive), or null.
const IgnoredDirective* find_ignored_directive(std::string_view name);

// Every row, in README order.
std::span<const IgnoredDirective> ignored_directives();

}  // namespace tern::cfg
