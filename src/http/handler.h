#pragma once
// The boundary between the HTTP connection (which frames messages) and whatever
// produces responses. `http` knows only this interface; `handlers` implements it.

#include <cstdint>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "net/transport.h"

namespace tern {

// Facts about the connection a request arrived on.
struct RequestContext {
  std::string_view client_ip;  // textual peer address ("127.0.0.1", "::1")
  uint16_t client_port = 0;
  std::string_view local_ip;
  uint16_t local_port = 0;
  std::string_view scheme = "http";  // the transport's: "http", "https"
  // httpd's note "error-notes" for an error page (HTML): mod_ssl's plaintext-HTTP note.
  std::string_view error_notes = {};
  // The connection's byte stream, for mod_ssl's variables (Transport::tls_var); null when
  // the request has no connection (tests, internal callers).
  const Transport* transport = nullptr;
  // The request's whole body is in the connection's buffer (read for mod_ssl's
  // fill_reneg_buffer before it asks for a client certificate).
  bool body_buffered = false;
};

// Produces responses. Implementations are immutable after construction and
// called concurrently from every worker thread.
class Handler {
 public:
  virtual ~Handler() = default;
  // Fills `resp` for a well-formed request (status, fields, body), first clearing what it
  // holds (the caller does not). Never throws.
  virtual void handle(const Request& req, const RequestContext& ctx, Response& resp) const = 0;
  // Fills `resp` with the error response for `status` (ErrorDocument or the
  // built-in page). `req` is null when the request could not be parsed.
  virtual void error(int status, const Request* req, const RequestContext& ctx,
                     Response& resp) const = 0;
};

}  // namespace tern
