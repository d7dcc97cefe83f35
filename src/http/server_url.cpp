#include "http/server_url.h"

#include <charconv>

namespace tern {

void request_server_name_port(const Request& req, const RequestContext& ctx,
                              std::string_view server_name, uint16_t server_name_port,
                              std::string* name, uint16_t* port) {
  std::string_view host = req.host;
  std::string_view port_text;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close != std::string_view::npos) {
      if (close + 1 < host.size() && host[close + 1] == ':') port_text = host.substr(close + 2);
      host = host.substr(1, close - 1);
    }
  } else {
    size_t colon = host.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = host.substr(colon + 1);
      host = host.substr(0, colon);
    }
  }
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);  // httpd: trailing dots
  *port = 0;
  if (!host.empty()) {
    name->assign(host);
    for (char& c : *name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!port_text.empty()) {
      uint16_t p = 0;
      auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
      if (ec == std::errc() && end == port_text.data() + port_text.size()) *port = p;
    }
  } else {
    name->assign(!server_name.empty() ? server_name : ctx.local_ip);
  }
  if (name->find(':') != std::string::npos)
    *name = "[" + *name + "]";  // ap_get_server_name_for_url
  if (*port == 0) *port = server_name_port;
  if (*port == 0) *port = ctx.scheme == "https" ? 443 : 80;
}

void split_server_name(std::string_view name, std::string_view* host, uint16_t* port) {
  *port = 0;
  size_t colon = name.rfind(':');
  size_t bracket = name.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket) &&
      name.find(':') == colon) {
    std::from_chars(name.data() + colon + 1, name.data() + name.size(), *port);
    name = name.substr(0, colon);
  }
  *host = name;
}

}  // namespace tern
