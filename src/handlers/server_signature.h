#pragma once
// httpd's ap_psignature: the `<address>` line ServerSignature adds to generated pages
// (error pages, listings) and gives CGI scripts as SERVER_SIGNATURE.

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "http/request.h"

namespace tern {

// httpd's DEFAULT_ADMIN: what stands for an unset ServerAdmin.
inline constexpr std::string_view kNoServerAdmin = "[no address given]";

// The server's own name and port for self-references, as httpd's ap_get_server_name and
// ap_get_server_port with UseCanonicalName Off.
struct SelfName {
  std::string host;   // ServerName's host, else the machine's host name
  uint16_t port = 0;  // ServerName's port, 0 when it names none
  // Parses ServerName ("host", "host:port", "[v6]:port"); empty: gethostname().
  static SelfName from_server_name(std::string_view server_name);
  // The Host field's name (lower-cased, trailing dots dropped), else `host`; its port,
  // else `port`, else 80 (httpd names neither the connection's port nor the Listen's).
  void for_request(const Request* req, std::string* name_out, uint16_t* port_out) const;
};

// "" for ServerSignature Off; else `prefix` + "<address>BANNER Server at NAME Port PORT
// </address>\n", NAME a mailto: link to ServerAdmin (or the ServerAdmin URL) for EMail.
std::string server_signature(ServerSignature mode, std::string_view prefix, std::string_view banner,
                             std::string_view admin, std::string_view name, uint16_t port);

}  // namespace tern
