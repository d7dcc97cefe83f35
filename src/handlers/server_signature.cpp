#include "handlers/server_signature.h"

#include <unistd.h>

#include <charconv>

#include "handlers/error_page.h"

namespace tern {

namespace {

// httpd's ap_is_url: a scheme ("[A-Za-z0-9+.-]+") followed by ':'.
bool is_url(std::string_view u) {
  size_t x = 0;
  for (; x < u.size() && u[x] != ':'; ++x) {
    const char c = u[x];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return x < u.size() && x > 0;
}

uint16_t parse_port(std::string_view text) {
  uint16_t p = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
  return ec == std::errc() && end == text.data() + text.size() ? p : 0;
}

// Splits "host:port" / "[v6]:port" / "host" (brackets removed).
void split(std::string_view hp, std::string_view* host, std::string_view* port) {
  *port = {};
  if (!hp.empty() && hp.front() == '[') {
    const size_t close = hp.find(']');
    if (close != std::string_view::npos) {
      if (close + 1 < hp.size() && hp[close + 1] == ':') *port = hp.substr(close + 2);
      *host = hp.substr(1, close - 1);
      return;
    }
  }
  const size_t colon = hp.rfind(':');
  if (colon != std::string_view::npos && hp.find(':') == colon) {
    *port = hp.substr(colon + 1);
    *host = hp.substr(0, colon);
  } else {
    *host = hp;
  }
}

}  // namespace

SelfName SelfName::from_server_name(std::string_view server_name) {
  SelfName s;
  std::string_view host;
  std::string_view port;
  split(server_name, &host, &port);
  s.host.assign(host);
  s.port = parse_port(port);
  if (s.host.empty()) {
    char buf[256] = {};
    if (::gethostname(buf, sizeof(buf) - 1) == 0) s.host = buf;
  }
  return s;
}

void SelfName::for_request(const Request* req, std::string* name_out, uint16_t* port_out) const {
  std::string_view host;
  std::string_view port_text;
  if (req != nullptr) split(req->host, &host, &port_text);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  *port_out = 0;
  if (host.empty()) {
    name_out->assign(this->host);
  } else {
    name_out->assign(host);
    for (char& c : *name_out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    *port_out = parse_port(port_text);
  }
  if (*port_out == 0) *port_out = port;
  if (*port_out == 0) *port_out = 80;
}

std::string server_signature(ServerSignature mode, std::string_view prefix, std::string_view banner,
                             std::string_view admin, std::string_view name, uint16_t port) {
  if (mode == ServerSignature::kOff) return {};
  std::string out(prefix);
  out.append("<address>").append(banner).append(" Server at ");
  if (mode == ServerSignature::kEMail) {
    if (admin.empty()) admin = kNoServerAdmin;
    out.append("<a href=\"").append(is_url(admin) ? "" : "mailto:");
    append_html_escaped(out, admin);
    out.append("\">");
    append_html_escaped(out, name);
    out.append("</a>");
  } else {
    append_html_escaped(out, name);
  }
  out.append(" Port ").append(std::to_string(port)).append("</address>\n");
  return out;
}

}  // namespace tern
