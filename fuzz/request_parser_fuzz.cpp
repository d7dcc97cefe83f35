// libFuzzer target: tern::RequestParser answers the same however the bytes arrive.
//
// Input layout: byte 0 picks the limits (small ones reach 414/431/413 quickly), byte 1 the
// number of read boundaries (0–7), then two bytes per boundary (an offset, taken modulo the
// stream length); the rest is the byte stream. The stream is parsed whole, then cut at the
// boundaries, then one byte at a time (short inputs only); the outcomes (every request's
// fields and body, the final error's status and reason) must be
// equal, every consumed count within its buffer and every view into the buffer.
// Built by -DTERN_FUZZ=ON (see README).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "http/request_parser.h"

namespace {

struct Parsed {
  int status = 0;  // 0: head and body parsed; else the error status
  std::string reason, method, target, path, query, host, line, body;
  int minor = -1;
  bool chunked = false, keep_alive = false, expect_continue = false;
  std::vector<std::string> headers;
  bool operator==(const Parsed&) const = default;
};

using Outcome = std::vector<Parsed>;

void check_view(std::string_view v, std::string_view buf) {
  if (v.empty() || v == "/") return;  // absolute-form with an empty path yields a static "/"
  if (v.data() < buf.data() || v.data() + v.size() > buf.data() + buf.size()) {
    std::fprintf(stderr, "view outside the buffer\n");
    std::abort();
  }
}

Parsed copy_head(const tern::Request& req, std::string_view head) {
  Parsed p;
  for (std::string_view v :
       {req.method_name, req.target, req.path, req.query, req.host, req.request_line}) {
    check_view(v, head);
  }
  p.method = req.method_name;
  p.target = req.target;
  p.path = req.path;
  p.query = req.query;
  p.host = req.host;
  p.line = req.request_line;
  p.minor = req.version_minor;
  p.chunked = req.chunked;
  p.keep_alive = req.keep_alive;
  p.expect_continue = req.expect_continue;
  for (const tern::HeaderField& h : req.headers) {
    check_view(h.name, head);
    check_view(h.value, head);
    p.headers.push_back(std::string(h.name) + ": " + std::string(h.value));
  }
  return p;
}

// Parses `data` delivered in reads ending at `cuts` (ascending; the end is implied), the way
// a connection does: unconsumed bytes stay at the front of its buffer.
Outcome run(std::string_view data, const std::vector<size_t>& cuts,
            const tern::ParserLimits& limits) {
  Outcome out;
  tern::RequestParser parser(limits);
  tern::Request req;
  std::string buf;
  Parsed cur;
  bool in_body = false;
  size_t fed = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(data.size());
  for (size_t end : ends) {
    if (end < fed) continue;
    buf.append(data.substr(fed, end - fed));
    fed = end;
    while (true) {
      if (!in_body) {
        const tern::HeadResult r = parser.parse_head(buf, req);
        if (r.status == tern::ParseStatus::kNeedMore) break;
        if (r.consumed > buf.size()) std::abort();
        if (r.status == tern::ParseStatus::kError) {
          Parsed e;
          e.status = r.error_status;
          e.reason = r.reason;
          out.push_back(e);
          return out;
        }
        cur = copy_head(req, std::string_view(buf).substr(0, r.consumed));
        buf.erase(0, r.consumed);
        in_body = true;
      }
      const tern::BodyResult b = parser.parse_body(buf, &cur.body);
      if (b.consumed > buf.size()) std::abort();
      buf.erase(0, b.consumed);
      if (b.status == tern::ParseStatus::kNeedMore) break;
      if (b.status == tern::ParseStatus::kError) {
        cur.status = b.error_status;
        cur.reason = b.reason;
        out.push_back(cur);
        return out;
      }
      out.push_back(cur);
      parser.reset();
      in_body = false;
      if (buf.empty()) break;
    }
  }
  return out;
}

tern::ParserLimits pick_limits(uint8_t b) {
  tern::ParserLimits l;  // tern's defaults (httpd's)
  if (b & 1) {
    l.request_line = 16 + (b >> 4);
    l.field_size = 12 + (b >> 4);
    l.fields = (b >> 1) & 7;  // 0 = unlimited
    l.body = 64;
    l.chunk_ext = 8;
    l.trailer_size = 32;
  }
  return l;
}

void report(const char* what, std::string_view data, const Outcome& a, const Outcome& b) {
  std::fprintf(stderr, "%s: %zu vs %zu requests\n", what, a.size(), b.size());
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::fprintf(stderr, "  #%zu: %d (%s) vs %d (%s)\n", i, i < a.size() ? a[i].status : -1,
                 i < a.size() ? a[i].reason.c_str() : "-", i < b.size() ? b[i].status : -1,
                 i < b.size() ? b[i].reason.c_str() : "-");
  }
  std::fprintf(stderr, "  stream of %zu bytes\n", data.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const tern::ParserLimits limits = pick_limits(data[0]);
  const size_t ncuts = data[1] % 8;
  if (size < 2 + 2 * ncuts) return 0;
  const size_t header = 2 + 2 * ncuts;
  const std::string_view stream(reinterpret_cast<const char*>(data + header), size - header);
  if (stream.empty()) return 0;
  std::vector<size_t> cuts;
  for (size_t i = 0; i < ncuts; ++i) {
    const size_t v = static_cast<size_t>(data[2 + 2 * i]) << 8 | data[3 + 2 * i];
    cuts.push_back(v % stream.size());
  }
  std::sort(cuts.begin(), cuts.end());

  const Outcome whole = run(stream, {}, limits);
  const Outcome split = run(stream, cuts, limits);
  if (!(whole == split)) report("whole vs split", stream, whole, split);
  if (stream.size() <= 256) {
    std::vector<size_t> every;
    for (size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    const Outcome bytewise = run(stream, every, limits);
    if (!(whole == bytewise)) report("whole vs byte by byte", stream, whole, bytewise);
  }
  return 0;
}
