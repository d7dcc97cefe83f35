#pragma once
// The request an internal redirect makes (a script's "Location: /local/path" with status
// 200 becomes a GET of that path, which RequestPipeline::internal_redirect answers as the
// site answers it).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"

namespace tern {

// A copy of a request and its connection facts that outlives the connection's buffer,
// and the GET request an internal redirect makes of it (httpd: method GET, the original
// fields without Content-Length, no body).
class RedirectRequest {
 public:
  // Copies `req` and `ctx`.
  RedirectRequest(const Request& req, const RequestContext& ctx);
  RedirectRequest(const RedirectRequest&) = delete;
  RedirectRequest& operator=(const RedirectRequest&) = delete;

  // The original request (views into this object).
  const Request& original() const { return orig_; }
  // The connection facts (views into this object).
  const RequestContext& ctx() const { return ctx_; }
  // The GET request for `location` ("/path" with an optional "?query"); valid until
  // the next call.
  const Request& make_get(std::string_view location);

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
  std::string method_, target_, path_, query_, host_, line_;
  std::string client_ip_, local_ip_, scheme_;
  std::string redirect_target_;
  Request orig_;
  Request get_;
  RequestContext ctx_;
};

}  // namespace tern
