#pragma once
// The single table of every directive tern understands: name, allowed contexts,
// argument shape, setter, and a one-line description (httpd's wording).

#include <string>
#include <string_view>
#include <vector>

#include "config/build_state.h"

namespace tern::cfg {

// How many arguments a directive takes (httpd's TAKE1, TAKE12, ITERATE, FLAG, …).
enum class Args { kNone, kTake1, kTake2, kTake12, kTake23, kIterate, kIterate2, kFlag };

// Applies one directive to the state; returns an error message or "".
using Setter = std::string (*)(BuildState&, const Cmd&);

// One row of the table. Sections (names starting with '<') have `opens` != 0,
// the context their body is in, and `close` run at the matching end tag.
struct DirectiveSpec {
  std::string_view name;
  unsigned contexts;
  Args args;
  Setter set;
  std::string_view description;
  unsigned opens = 0;
  Setter close = nullptr;
};

// The row for `name` (case-insensitive, sections with their '<'), or null.
const DirectiveSpec* find_directive(std::string_view name);

// Every directive name in the table, for suggestions.
std::vector<std::string_view> directive_names();

// Checks the argument count/kind of `cmd` against `spec`; returns an error or "".
std::string check_args(const DirectiveSpec& spec, const Cmd& cmd);

// Sections tern knows from httpd but refuses ("<Directory", "<VirtualHost", …).
bool is_unsupported_section(std::string_view name);

}  // namespace tern::cfg
