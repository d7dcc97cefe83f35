#include "http/target.h"

#include "http/char_class.h"
#include "http/host_syntax.h"
#include "http/request.h"

namespace tern {
namespace {

// Every octet a VCHAR other than '#', and every '%' followed by two hex digits. tern is
// stricter than RFC 3986 only in refusing fragments; it accepts the few printable characters
// (e.g. '|', '{', '"') that RFC 3986 excludes but clients send unencoded, like httpd does.
bool valid_target_chars(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!chars::is(c, chars::kVchar) || c == '#') return false;
    if (c == '%') {
      if (!chars::pct_encoded_at(s, i)) return false;
      i += 2;
    }
  }
  return true;
}

void split_path_query(std::string_view rest, ParsedTarget& out) {
  const size_t q = rest.find('?');
  if (q == std::string_view::npos) {
    out.path = rest;
  } else {
    out.path = rest.substr(0, q);
    out.query = rest.substr(q + 1);
    out.has_query = true;
  }
}

}  // namespace

bool parse_target(std::string_view target, bool is_connect, bool is_options, ParsedTarget& out) {
  out = ParsedTarget{};
  if (target.empty() || !valid_target_chars(target)) return false;
  if (is_connect) {
    // authority-form = uri-host ":" port (RFC 9112 §3.2.3).
    if (!valid_host_port(target, /*require_host=*/true, /*require_port=*/true)) return false;
    out.form = TargetForm::kAuthority;
    out.authority = target;
    return true;
  }
  if (target[0] == '/') {
    out.form = TargetForm::kOrigin;
    split_path_query(target, out);
    return true;
  }
  if (target == "*") {
    if (!is_options) return false;
    out.form = TargetForm::kAsterisk;
    out.path = target;
    return true;
  }
  // absolute-form: scheme "://" authority path-abempty [ "?" query ].
  const size_t sep = target.find("://");
  if (sep == std::string_view::npos) return false;
  const std::string_view scheme = target.substr(0, sep);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return false;
  std::string_view rest = target.substr(sep + 3);
  const size_t end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, end);
  // userinfo is deprecated for http(s) and a phishing vector (RFC 9110 §4.2.4): reject it.
  if (authority.find('@') != std::string_view::npos) return false;
  if (!valid_host_port(authority, /*require_host=*/true, /*require_port=*/false)) return false;
  out.form = TargetForm::kAbsolute;
  out.authority = authority;
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  split_path_query(rest, out);
  if (out.path.empty()) out.path = "/";
  return true;
}

}  // namespace tern
