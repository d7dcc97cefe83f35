// libFuzzer target: tern::LogFormat::compile on arbitrary format strings, and format() of
// every compiled format on a record with hostile field values.
//
// Input layout: byte 0 picks the record's shape (with or without a parsed request and a
// response, which statuses), byte 1 the length n of the raw request line, then n bytes of
// request line (also used as a header value, a cookie and the file name); the rest is the
// format string. Checks: a refused format gets an error message; an accepted one formats the
// same record to the same line twice (format() is const and caches nothing per call).
// Built by -DTERN_FUZZ=ON (see README).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "log/access_record.h"
#include "log/log_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t shape = data[0];
  const size_t n = data[1];
  if (size < 2 + n) return 0;
  const std::string_view raw(reinterpret_cast<const char*>(data + 2), n);
  const std::string_view fmt(reinterpret_cast<const char*>(data + 2 + n), size - 2 - n);

  std::string error;
  const std::optional<tern::LogFormat> f = tern::LogFormat::compile(fmt, &error);
  if (!f) {
    if (error.empty()) {
      std::fprintf(stderr, "refused without an error message\n");
      std::abort();
    }
    return 0;
  }

  tern::Request req;
  req.method = tern::Method::kGet;
  req.method_name = "GET";
  req.target = raw;
  req.path = raw;
  req.query = raw;
  req.has_query = (shape & 8) != 0;
  req.host = raw;
  req.request_line = raw;
  req.headers = {{"Host", raw}, {"User-Agent", raw}, {"Cookie", raw}, {"Cookie", "a=1; b"}};
  tern::Response resp;
  resp.add_header("Set-Cookie", raw);
  resp.add_header("Content-Type", "text/html");

  tern::AccessRecord rec;
  rec.req = (shape & 1) ? &req : nullptr;
  rec.resp = (shape & 2) ? &resp : nullptr;
  rec.request_line = raw;
  rec.original_status = (shape & 4) ? 200 : 0;
  rec.final_status = 100 + (shape >> 4) * 31;
  rec.body_bytes = shape * 1000003ULL;
  rec.bytes_in = shape;
  rec.bytes_out = ~uint64_t{0} - shape;
  rec.client_ip = "192.0.2.7";
  rec.client_port = 54321;
  rec.local_ip = "::1";
  rec.local_port = 8080;
  rec.server_name = raw;
  rec.filename = raw;
  rec.request_time_us = (shape & 16) ? 0 : 1795678200LL * 1000000 + shape;
  rec.duration_us = (shape & 32) ? -1 : shape * 12345;
  rec.keepalive_count = shape;
  rec.conn_status = "X+-"[shape % 3];

  std::string a, b;
  f->format(rec, a);
  f->format(rec, b);
  if (a != b) {
    std::fprintf(stderr, "format() gave two lines for one record\n");
    std::abort();
  }
  return 0;
}
