#include "http/special_env.h"

#include "http/char_class.h"

namespace tern {

namespace {

// The token `tok` in a comma-separated header value, ignoring case.
bool has_token(std::string_view value, std::string_view tok) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (iequals(chars::trim_ows(value.substr(0, comma)), tok)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

SpecialEnv special_env(const Request& req, const Response& resp) {
  SpecialEnv s;
  s.as_http10 = req.version_minor == 0;
  if (resp.env.empty()) return s;
  if (resp.env_value("nokeepalive") && !req.header("Via")) s.close = true;
  if (!s.as_http10 && resp.env_value("downgrade-1.0")) {
    s.as_http10 = true;
    const auto conn = req.header("Connection");
    if (!conn || !has_token(*conn, "keep-alive")) s.close = true;
  }
  if (s.as_http10 && resp.env_value("force-response-1.0")) {
    s.status_http10 = true;
    s.close = true;
  }
  return s;
}

}  // namespace tern
