#pragma once
// httpd's ap_get_server_name_for_url and ap_get_server_port under UseCanonicalName Off:
// the name and port a request addressed (what CGI's SERVER_NAME/SERVER_PORT and
// mod_rewrite's %{SERVER_NAME}/%{SERVER_PORT} say, and what self-referential URLs use).

#include <cstdint>
#include <string>
#include <string_view>

#include "http/handler.h"
#include "http/request.h"

namespace tern {

// The Host field's host (lower-cased, trailing dots dropped, an IPv6 literal bracketed),
// else `server_name` (ServerName's host), else the local address; the Host field's port,
// else `server_name_port` (ServerName's, 0 = none), else 80 or 443 by the scheme.
void request_server_name_port(const Request& req, const RequestContext& ctx,
                              std::string_view server_name, uint16_t server_name_port,
                              std::string* name, uint16_t* port);

// Splits a ServerName value `host[:port]` into its host (a view into it) and port (0 when
// none).
void split_server_name(std::string_view server_name, std::string_view* host, uint16_t* port);

}  // namespace tern
