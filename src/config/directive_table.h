#pragma once
// One directive's description (name, allowed contexts, AllowOverride class, argument
// shape, setter, httpd's one-line description, owning module) and the lookups over every
// module's table (src/modules/registry.h lists the modules).

#include <string>
#include <string_view>
#include <vector>

#include "config/build_state.h"

namespace tern::cfg {

// How many arguments a directive takes (httpd's TAKE1, TAKE12, ITERATE, FLAG, …);
// kIgnored: any, unread (httpd 2.4 accepts and ignores words after SSLRequireSSL).
enum class Args { kNone, kTake1, kTake2, kTake12, kTake23, kIterate, kIterate2, kFlag, kIgnored };

// Applies one directive to the state; returns an error message or "".
using Setter = std::string (*)(BuildState&, const Cmd&);

// httpd's AllowOverride classes (`req_override`, OR_* with httpd's values): which
// `AllowOverride` keyword lets a directive appear in .htaccess. A bitmask.
enum AllowOverride : unsigned {
  kOverrideNone = 0,        // never in .htaccess
  kOverrideLimit = 1,       // AllowOverride Limit
  kOverrideOptions = 2,     // AllowOverride Options
  kOverrideFileInfo = 4,    // AllowOverride FileInfo
  kOverrideAuthConfig = 8,  // AllowOverride AuthConfig
  kOverrideIndexes = 16,    // AllowOverride Indexes
  kOverrideAll = 31,        // any of them (httpd's OR_ALL, "Override: All")
};

// One row of a module's table. Sections (names starting with '<') have `opens` != 0,
// the context their body is in, and `close` run at the matching end tag.
struct DirectiveSpec {
  std::string_view name;
  unsigned contexts;
  Args args;
  Setter set;
  std::string_view description;
  std::string_view module;             // httpd's name of the owning module, "core_module"
  unsigned overrides = kOverrideNone;  // AllowOverride class(es), see AllowOverride
  unsigned opens = 0;
  Setter close = nullptr;
};

// The row for `name` (case-insensitive, sections with their '<') in any registered
// module's table, or null.
const DirectiveSpec* find_directive(std::string_view name);

// Every directive name of every registered module, for suggestions.
std::vector<std::string_view> directive_names();

// Checks the argument count/kind of `cmd` against `spec`; returns an error or "".
std::string check_args(const DirectiveSpec& spec, const Cmd& cmd);

// Sections tern knows from httpd but refuses ("<Directory", "<VirtualHost", …).
bool is_unsupported_section(std::string_view name);

}  // namespace tern::cfg
