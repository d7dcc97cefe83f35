#pragma once
// Test helper: drives a RequestParser the way a connection does, over a byte stream cut into
// arbitrary reads, and records what it produced.

#include <ostream>
#include <string>
#include <vector>

#include "http/request_parser.h"

namespace tern::testing {

// One parsed request, copied out of the connection buffer.
struct ParsedRequest {
  int error_status = 0;  // 0 when the head and body parsed
  std::string reason;    // of the error
  std::string method_name, target, path, query, host, request_line;
  bool has_query = false, chunked = false, keep_alive = false, expect_continue = false;
  long long content_length = -1;
  int version_minor = -1;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  bool operator==(const ParsedRequest&) const = default;
};

// Readable dump for test failure messages.
inline void PrintTo(const ParsedRequest& r, std::ostream* os) {
  *os << "{error=" << r.error_status << " (" << r.reason << ")"
      << " method=" << r.method_name << " target=" << r.target << " path=" << r.path
      << " query=" << r.query << " has_query=" << r.has_query << " host=" << r.host
      << " line=" << r.request_line << " chunked=" << r.chunked << " keep_alive=" << r.keep_alive
      << " expect=" << r.expect_continue << " cl=" << r.content_length
      << " minor=" << r.version_minor << " headers=[";
  for (const auto& [n, v] : r.headers) *os << n << "=" << v << "|";
  *os << "] body_size=" << r.body.size() << "}";
}

// Feeds `wire` in reads ending at `cuts` (offsets, ascending; the end is implied) and parses
// every request in it, in order, until an error or the end of input. `leftover` gets the
// unconsumed bytes.
inline std::vector<ParsedRequest> drive(const std::string& wire, const std::vector<size_t>& cuts,
                                        const ParserLimits& limits = {},
                                        std::string* leftover = nullptr) {
  std::vector<ParsedRequest> out;
  RequestParser parser(limits);
  Request req;
  std::string buf;  // connection buffer: unconsumed bytes
  bool in_body = false;
  ParsedRequest cur;
  size_t fed = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(wire.size());
  for (size_t end : ends) {
    if (end < fed) continue;
    buf.append(wire, fed, end - fed);
    fed = end;
    while (true) {
      if (!in_body) {
        // Copy so that the parser can never rely on the buffer's address.
        const std::string view_copy = buf;
        const HeadResult r = parser.parse_head(view_copy, req);
        if (r.status == ParseStatus::kNeedMore) break;
        if (r.status == ParseStatus::kError) {
          cur.error_status = r.error_status;
          cur.reason = r.reason;
          out.push_back(cur);
          if (leftover) *leftover = buf;
          return out;
        }
        cur = ParsedRequest{};
        cur.method_name = req.method_name;
        cur.target = req.target;
        cur.path = req.path;
        cur.query = req.query;
        cur.host = req.host;
        cur.request_line = req.request_line;
        cur.has_query = req.has_query;
        cur.chunked = req.chunked;
        cur.keep_alive = req.keep_alive;
        cur.expect_continue = req.expect_continue;
        cur.content_length = req.content_length ? static_cast<long long>(*req.content_length) : -1;
        cur.version_minor = req.version_minor;
        for (const HeaderField& h : req.headers) cur.headers.emplace_back(h.name, h.value);
        buf.erase(0, r.consumed);
        in_body = true;
      }
      const BodyResult b = parser.parse_body(buf, &cur.body);
      buf.erase(0, b.consumed);
      if (b.status == ParseStatus::kNeedMore) break;
      if (b.status == ParseStatus::kError) {
        cur.error_status = b.error_status;
        cur.reason = b.reason;
        out.push_back(cur);
        if (leftover) *leftover = buf;
        return out;
      }
      out.push_back(cur);
      parser.reset();
      in_body = false;
      if (buf.empty()) break;
    }
  }
  if (leftover) *leftover = buf;
  return out;
}

}  // namespace tern::testing
