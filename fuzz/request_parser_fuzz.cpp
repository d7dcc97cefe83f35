// libFuzzer entry point for tern::RequestParser (not part of the CMake build).
//
// Build with clang (llhttp is C, so compile it separately):
//   clang -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c /usr/share/llhttp/*.c \
//         -I/usr/share/include/llhttp
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc \
//         -I/usr/share/include/llhttp fuzz/request_parser_fuzz.cpp src/http/request.cpp \
//         src/http/request_parser.cpp src/http/head_scanner.cpp src/http/head_fields.cpp \
//         src/http/target.cpp src/http/host_syntax.cpp src/http/body_decoder.cpp \
//         api.o http.o llhttp.o -o request_parser_fuzz
//   ./request_parser_fuzz -max_len=4096
//
// The first input byte seeds the read boundaries; the rest is the byte stream. Checks that the
// stream parses to the same results whole and split, and that every view lies in the buffer.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "http/request_parser.h"

namespace {

struct Outcome {
  std::vector<int> statuses;  // per request: 0 done, else error status
  std::vector<std::string> bodies;
  bool operator==(const Outcome&) const = default;
};

void check_view(std::string_view v, std::string_view buf) {
  if (v.empty()) return;
  if (v == "/") return;  // absolute-form with empty path: a static "/"
  if (v.data() < buf.data() || v.data() + v.size() > buf.data() + buf.size()) std::abort();
}

Outcome run(std::string_view data, size_t step) {
  Outcome out;
  tern::ParserLimits limits;
  limits.request_line = 512;
  limits.field_size = 512;
  limits.fields = 20;
  limits.body = 4096;
  limits.chunk_ext = 64;
  limits.trailer_size = 256;
  tern::RequestParser parser(limits);
  tern::Request req;
  std::string buf;
  std::string body;
  bool in_body = false;
  size_t fed = 0;
  while (fed < data.size()) {
    const size_t n = std::min(step, data.size() - fed);
    buf.append(data.substr(fed, n));
    fed += n;
    while (true) {
      if (!in_body) {
        const tern::HeadResult r = parser.parse_head(buf, req);
        if (r.status == tern::ParseStatus::kNeedMore) break;
        if (r.consumed > buf.size()) std::abort();
        if (r.status == tern::ParseStatus::kError) {
          out.statuses.push_back(r.error_status);
          return out;
        }
        for (std::string_view v :
             {req.method_name, req.target, req.path, req.query, req.host, req.request_line}) {
          check_view(v, std::string_view(buf).substr(0, r.consumed));
        }
        for (const auto& h : req.headers) {
          check_view(h.name, buf);
          check_view(h.value, buf);
        }
        buf.erase(0, r.consumed);
        in_body = true;
        body.clear();
      }
      const tern::BodyResult b = parser.parse_body(buf, &body);
      if (b.consumed > buf.size()) std::abort();
      buf.erase(0, b.consumed);
      if (b.status == tern::ParseStatus::kNeedMore) break;
      if (b.status == tern::ParseStatus::kError) {
        out.statuses.push_back(b.error_status);
        return out;
      }
      out.statuses.push_back(0);
      out.bodies.push_back(body);
      parser.reset();
      in_body = false;
      if (buf.empty()) break;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t step = 1 + data[0] % 17;
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  const Outcome whole = run(stream, stream.size() + 1);
  const Outcome split = run(stream, step);
  if (!(whole == split)) std::abort();
  return 0;
}
