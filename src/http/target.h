#pragma once
// The request-target of RFC 9112 §3.2: its four forms and the parts tern uses.

#include <string_view>

namespace tern {

// Which of the four request-target forms was received.
enum class TargetForm { kOrigin, kAbsolute, kAuthority, kAsterisk };

// A request-target split into views of the original text.
struct ParsedTarget {
  TargetForm form = TargetForm::kOrigin;
  std::string_view path;   // raw path; "/" for an absolute-form with empty path; "*"
  std::string_view query;  // after '?', without it
  bool has_query = false;
  std::string_view authority;  // absolute-form and authority-form only (host[:port])
};

// Parses `target` for a request whose method is CONNECT (`is_connect`) or OPTIONS
// (`is_options`). Returns true and fills `out` when valid: only VCHAR octets, no fragment,
// well-formed pct-encoding, authority-form exactly for CONNECT (host:port), asterisk-form only
// for OPTIONS, absolute-form only with scheme http/https (case-insensitive), a non-empty host
// and no userinfo. Returns false (answer 400) otherwise.
bool parse_target(std::string_view target, bool is_connect, bool is_options, ParsedTarget& out);

}  // namespace tern
