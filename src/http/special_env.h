#pragma once
// httpd's special environment variables, as Debian's setenvif.conf sets them for broken
// clients: nokeepalive, downgrade-1.0 and force-response-1.0 change how the response
// to a request goes out (read from the request's environment, Response::env).

#include "http/request.h"
#include "http/response.h"

namespace tern {

// What the request's environment asks of the response's framing.
struct SpecialEnv {
  bool close = false;          // close the connection after this response
  bool as_http10 = false;      // answer as to HTTP/1.0 (no chunked, 1.0 keep-alive rules)
  bool status_http10 = false;  // the status line says HTTP/1.0 (force-response-1.0)
};

// httpd's basic_http_header_check and ap_set_keepalive: nokeepalive closes (unless the
// request came through a proxy: Via); downgrade-1.0 treats an HTTP/1.1 request as 1.0
// (kept alive only with Connection: keep-alive); force-response-1.0 answers an HTTP/1.0
// request (or a downgraded one) with an HTTP/1.0 status line and closes.
SpecialEnv special_env(const Request& req, const Response& resp);

}  // namespace tern
