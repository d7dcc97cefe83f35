#include "http/special_env.h"

namespace tern {

namespace {

// The token `tok` (lower case) in a comma-separated header value, ignoring case.
bool has_token(std::string_view value, std::string_view tok) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view t = value.substr(0, comma);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (t.size() == tok.size()) {
      bool eq = true;
      for (size_t i = 0; eq && i < t.size(); ++i) {
        char c = t[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        eq = c == tok[i];
      }
      if (eq) return true;
    }
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
