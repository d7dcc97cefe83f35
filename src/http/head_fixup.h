#pragma once
// The last edit of a response head before it is serialised, for a module that changes
// header fields of every response of a scope (httpd's output filters on headers_out and
// err_headers_out: mod_headers' FIXUP_HEADERS_OUT and FIXUP_HEADERS_ERR).

#include <cstdint>

namespace tern {

struct Request;
class Response;
class Transport;

// What a head edit may read besides the response: the request (null when it could not be
// parsed), the connection (mod_ssl's variables) and when the request began (microseconds
// since the epoch).
struct HeadFixupContext {
  const Request* req = nullptr;
  const Transport* transport = nullptr;
  int64_t request_start_us = 0;
};

// Edits resp.fields (and may read resp.env) once, when the connection builds the head.
// Immutable and shared by every request of its scope: called from any worker thread.
class HeadFixup {
 public:
  virtual void apply(const HeadFixupContext& ctx, Response& resp) const = 0;

 protected:
  ~HeadFixup() = default;
};

}  // namespace tern
