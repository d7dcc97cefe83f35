#include "modules/alias/redirect_map.h"

#include <algorithm>
#include <charconv>

#include "log/error_log.h"
#include "modules/alias/alias_map.h"

namespace tern {

namespace {

constexpr size_t kMaxLocation = 8192;  // httpd's ap_pregsub bound for a substituted URL

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// httpd's ap_construct_url(r, "") for UseCanonicalName Off: the scheme, the Host's name
// (else ServerName's, else the local address) and its port (the Host's, else ServerName's),
// the port left out when it is the scheme's default.
void append_server_url(std::string& out, const Request& req, const RequestContext& ctx,
                       std::string_view server_name) {
  std::string_view host = req.host;
  std::string_view port_text;
  if (host.empty()) host = server_name;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close != std::string_view::npos) {
      if (close + 1 < host.size() && host[close + 1] == ':') port_text = host.substr(close + 2);
      host = host.substr(0, close + 1);
    }
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);  // httpd: trailing dots
  uint16_t port = 0;
  if (!port_text.empty()) {
    std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  } else if (!req.host.empty() && !server_name.empty()) {
    // A Host without a port: ServerName's port, if it names one.
    size_t colon = server_name.rfind(':');
    if (colon != std::string_view::npos && server_name.find(']', colon) == std::string_view::npos)
      std::from_chars(server_name.data() + colon + 1, server_name.data() + server_name.size(),
                      port);
  }
  out.append(ctx.scheme).append("://");
  if (host.empty()) {
    const bool v6 = ctx.local_ip.find(':') != std::string_view::npos;
    if (v6) out.push_back('[');
    out.append(ctx.local_ip);
    if (v6) out.push_back(']');
  } else {
    for (char c : host) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  const uint16_t def = ctx.scheme == "https" ? 443 : 80;
  if (port != 0 && port != def) {
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof(buf), port);
    out.push_back(':');
    out.append(buf, static_cast<size_t>(r.ptr - buf));
  }
}

// RedirectMatch's result as httpd re-escapes it (apr_uri_parse, then the URL without
// its query escaped by ap_escape_uri, then "?query" and "#fragment" as they were).
void append_regex_result(std::string& out, std::string_view found) {
  std::string_view fragment, query;
  bool has_fragment = false, has_query = false;
  if (size_t hash = found.find('#'); hash != std::string_view::npos) {
    fragment = found.substr(hash + 1);
    found = found.substr(0, hash);
    has_fragment = true;
  }
  if (size_t q = found.find('?'); q != std::string_view::npos) {
    query = found.substr(q + 1);
    found = found.substr(0, q);
    has_query = true;
  }
  // apr_uri_unparse leaves out the scheme's default port: "http://h:80/x" -> "http://h/x".
  if (size_t sep = found.find("://"); sep != std::string_view::npos) {
    const std::string_view scheme = found.substr(0, sep);
    const std::string_view def = ieq(scheme, "http") ? ":80" : ieq(scheme, "https") ? ":443" : "";
    const size_t end = std::min(found.find('/', sep + 3), found.size());
    const std::string_view authority = found.substr(sep + 3, end - sep - 3);
    if (!def.empty() && authority.ends_with(def) && authority.size() > def.size()) {
      append_os_escaped_path(out, found.substr(0, end - def.size()));
      found = found.substr(end);
    }
  }
  append_os_escaped_path(out, found);
  if (has_query) out.append("?").append(query);
  if (has_fragment) out.append("#").append(fragment);
}

// The target of `rd` for `url_path` (unescaped parts escaped); false when a regex could
// not be evaluated.
bool redirect_target(const RedirectSpec& rd, std::string_view url_path, std::string* out,
                     bool* matched) {
  *matched = false;
  out->clear();
  if (rd.regex) {
    RegexCapture caps[10];
    int failure = 0;
    RegexResult r = rd.regex->match(url_path, caps, &failure);
    if (r == RegexResult::kNoMatch) return true;
    *matched = true;
    if (r == RegexResult::kFailed) return false;
    if (rd.target.empty()) return true;
    thread_local std::string found;
    found.clear();
    if (!regex_substitute(rd.target, url_path, caps, &found, kMaxLocation)) return false;
    append_regex_result(*out, found);
    return true;
  }
  size_t l = alias_matches(url_path, rd.url);
  if (l == 0) return true;
  *matched = true;
  if (rd.target.empty()) return true;
  out->assign(rd.target);
  append_os_escaped_path(*out, url_path.substr(l));
  return true;
}

void log_error(const RequestContext& ctx, const std::string& text) {
  if (!ErrorLog::enabled(LogLevel::kError)) return;
  std::string ip(ctx.client_ip);
  ErrorLog::printf(LogLevel::kError, "alias", "[client %s:%u] %s", ip.c_str(), ctx.client_port,
                   text.c_str());
}

}  // namespace

bool redirect_status_word(std::string_view word, int* status) {
  if (ieq(word, "permanent")) {
    *status = 301;
  } else if (ieq(word, "temp")) {
    *status = 302;
  } else if (ieq(word, "seeother")) {
    *status = 303;
  } else if (ieq(word, "gone")) {
    *status = 410;
  } else if (!word.empty() && word.front() >= '0' && word.front() <= '9') {
    int n = 0;
    auto r = std::from_chars(word.data(), word.data() + word.size(), n);
    *status = r.ec == std::errc() ? n : 0;  // atoi's leading digits; 0 when out of range
  } else {
    return false;
  }
  return true;
}

bool is_absolute_url(std::string_view text) {
  size_t x = 0;
  for (; x < text.size() && text[x] != ':'; ++x) {
    const char c = text[x];
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return x < text.size() && x > 0;
}

void append_os_escaped_path(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr std::string_view kPlain = "$-_.+!*'(),:;@&=/~";
  for (char c : text) {
    if (is_alnum(c) || (c != '\0' && kPlain.find(c) != std::string_view::npos)) {
      out.push_back(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
}

int map_redirect(const std::vector<RedirectSpec>& redirects, const Request& req,
                 const RequestContext& ctx, std::string_view url_path, std::string_view server_name,
                 std::string* location) {
  thread_local std::string target;
  for (const RedirectSpec& rd : redirects) {
    bool matched = false;
    if (!redirect_target(rd, url_path, &target, &matched)) {
      log_error(ctx,
                "AH00672: Regex substitution in '" + rd.target + "' failed. Replacement too long?");
      return 500;
    }
    if (!matched) continue;
    location->clear();
    if (rd.status < 300 || rd.status > 399) return rd.status;
    if (!target.empty() && target.front() == '/')
      append_server_url(*location, req, ctx, server_name);
    location->append(target);
    if (!is_absolute_url(*location)) {
      log_error(ctx, "AH00674: cannot redirect '" + std::string(url_path) + "' to '" + target +
                         "'; target is not a valid absoluteURI or abs_path");
      location->clear();
      return 500;
    }
    // httpd appends the request's query only when the target has none of its own.
    if (req.has_query && location->find('?') == std::string::npos)
      location->append("?").append(req.query);
    return rd.status;
  }
  return 0;
}

}  // namespace tern
