#pragma once
// Everything the access log may print about one request, gathered by the
// connection after the response is sent. Views must stay valid for the duration
// of the AccessLogs::log() / LogFormat::format() call only.

#include <cstdint>
#include <string_view>

namespace tern {

struct Request;
class Response;
class Transport;

// One finished (or failed) request as the access log sees it.
struct AccessRecord {
  const Request* req = nullptr;          // null for unparseable requests
  std::string_view request_line;         // raw first line, may be partial/garbage (%r)
  int original_status = 0;               // %s, %<s
  int final_status = 0;                  // %>s; also the status that conditions test
  uint64_t body_bytes = 0;               // %b %B: body bytes sent
  uint64_t bytes_in = 0;                 // %I: bytes received including the head
  uint64_t bytes_out = 0;                // %O: bytes sent including the head
  std::string_view client_ip;            // %a %h %{c}a
  uint16_t client_port = 0;              // %{remote}p
  std::string_view local_ip;             // %A
  uint16_t local_port = 0;               // %p %{local}p
  std::string_view server_name;          // %v; "name" or "name:port" (ServerName)
  std::string_view filename;             // %f; empty when no file was mapped
  int64_t request_time_us = 0;           // wall clock at request start, microseconds since epoch
  int64_t duration_us = 0;               // %D %T; request start to log time
  int keepalive_count = 0;               // %k: requests served on this connection before this one
  char conn_status = '-';                // %X: 'X' aborted, '+' may be kept alive, '-' will close
  const Response* resp = nullptr;        // for %{Name}o, may be null
  const Transport* transport = nullptr;  // for %{VAR}x (mod_ssl's variables), may be null
};

}  // namespace tern
