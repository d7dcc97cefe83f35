#include "config/directive_table.h"

#include <array>

#include "config/config_values.h"
#include "modules/registry.h"

namespace tern::cfg {

namespace {

constexpr std::array<std::string_view, 9> kUnsupportedSections = {
    "<Proxy",  "<ProxyMatch", "<Limit",       "<LimitExcept", "<IfVersion",
    "<IfFile", "<IfSection",  "<RequireNone", "<IfDirective"};

}  // namespace

const DirectiveSpec* find_directive(std::string_view name) {
  for (const Module* m : all_modules()) {
    for (const DirectiveSpec& d : m->directives) {
      if (iequals(d.name, name)) return &d;
    }
  }
  return nullptr;
}

std::vector<std::string_view> directive_names() {
  std::vector<std::string_view> names;
  for (const Module* m : all_modules()) {
    for (const DirectiveSpec& d : m->directives) names.push_back(d.name);
  }
  return names;
}

bool is_unsupported_section(std::string_view name) {
  for (std::string_view s : kUnsupportedSections) {
    if (iequals(s, name)) return true;
  }
  return false;
}

std::string check_args(const DirectiveSpec& spec, const Cmd& cmd) {
  const size_t n = cmd.args.size();
  switch (spec.args) {
    case Args::kNone:
      return n == 0 ? "" : "takes no arguments";
    case Args::kIgnored:
      return "";
    case Args::kTake1:
      return n == 1 ? "" : "takes one argument";
    case Args::kTake2:
      return n == 2 ? "" : "takes two arguments";
    case Args::kTake12:
      return n == 1 || n == 2 ? "" : "takes one or two arguments";
    case Args::kTake23:
      return n == 2 || n == 3 ? "" : "takes two or three arguments";
    case Args::kIterate:
      return n >= 1 ? "" : "requires at least one argument";
    case Args::kIterate2:
      return n >= 2 ? "" : "requires at least two arguments";
    case Args::kFlag:
      return n == 1 && (iequals(cmd.args[0].text, "on") || iequals(cmd.args[0].text, "off"))
                 ? ""
                 : "must be On or Off";
  }
  return "";
}

}  // namespace tern::cfg

namespace tern::cfg {

namespace {

// Appends `in` with control characters as \xNN (as shorten), at most `max` bytes of it
// then "...", so that an error stays one bounded line of text.
void append_printable(std::string& out, std::string_view in, size_t max) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t start = out.size();
  for (char ch : in) {
    if (out.size() - start >= max) {
      out += "...";
      return;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

}  // namespace

std::string format_error(const std::string& file, int line, std::string_view directive,
                         std::string_view message) {
  // Setters quote values (paths) whole; this bounds the line and escapes control characters.
  constexpr size_t kMaxMessage = 1024;
  std::string s;
  append_printable(s, file, kMaxMessage);
  s += ":" + std::to_string(line) + ": ";
  s += shorten(directive);
  s += ": ";
  append_printable(s, message, kMaxMessage);
  return s;
}

}  // namespace tern::cfg
