// libFuzzer target: tern::parse_range and apply_ranges on arbitrary Range values.
//
// Input layout: byte 0 picks the representation length (small, around 2^32, or near 2^64),
// byte 1 MaxRanges (-1 unlimited, 0 disabled, 1–8); the rest is the Range field value.
// Checks: a 206 decision holds sorted, disjoint, non-adjacent ranges inside the representation
// and no more than MaxRanges; the same value parses the same into a reused vector and with
// MaxRanges unlimited; the 206 body that apply_ranges builds has exactly the ranges' bytes.
// Built by -DTERN_FUZZ=ON (see README).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <vector>

#include "http/range.h"
#include "http/response.h"

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "range invariant broken: %s\n", what);
  std::abort();
}

uint64_t pick_length(uint8_t b) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  switch (b % 4) {
    case 0:
      return b >> 2;  // 0–63
    case 1:
      return 1000 + (b >> 2);
    case 2:
      return (uint64_t{1} << 32) + (b >> 2);
    default:
      return kMax - (b >> 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint64_t length = pick_length(data[0]);
  const int max_ranges = static_cast<int>(data[1] % 10) - 1;
  const std::string_view value(reinterpret_cast<const char*>(data + 2), size - 2);

  std::vector<tern::ByteRange> out{{7, 9}};  // reused: must be cleared by parse_range
  const tern::RangeDecision d = tern::parse_range(value, length, max_ranges, out);
  if (d != tern::RangeDecision::kSatisfiable) {
    check(out.empty(), "ranges left in `out` without a 206 decision");
  } else {
    check(!out.empty(), "206 without ranges");
    check(max_ranges != 0, "206 with ranges disabled");
    check(max_ranges < 0 || out.size() <= static_cast<size_t>(max_ranges), "too many ranges");
    for (size_t i = 0; i < out.size(); ++i) {
      check(out[i].first <= out[i].last, "first > last");
      check(out[i].last < length, "range beyond the representation");
      if (i > 0) check(out[i - 1].last + 1 < out[i].first, "ranges not sorted and coalesced");
    }
  }
  std::vector<tern::ByteRange> again;
  check(tern::parse_range(value, length, max_ranges, again) == d && again == out,
        "parsing twice differs");
  if (max_ranges > 0 && d != tern::RangeDecision::kUnsatisfiable) {
    // Unlimited MaxRanges only turns "too many" into 206; it never changes the ranges.
    const tern::RangeDecision u = tern::parse_range(value, length, -1, again);
    check(d == tern::RangeDecision::kIgnore ? (u != tern::RangeDecision::kSatisfiable ||
                                               again.size() > static_cast<size_t>(max_ranges))
                                            : (u == d && again == out),
          "MaxRanges changed the ranges");
  }
  if (d != tern::RangeDecision::kSatisfiable) return 0;

  tern::Response resp;
  resp.add_header("Content-Type", "text/plain");
  tern::apply_ranges(out, length, "text/plain", resp);
  check(resp.status == 206, "apply_ranges status");
  uint64_t file_bytes = 0, mem_bytes = 0;
  size_t file_chunks = 0;
  for (const tern::BodyChunk& c : resp.chunks) {
    if (c.from_file) {
      check(file_chunks < out.size(), "more file chunks than ranges");
      check(c.offset == out[file_chunks].first &&
                c.length == out[file_chunks].last - out[file_chunks].first + 1,
            "file chunk differs from its range");
      ++file_chunks;
      file_bytes += c.length;
    } else {
      check(c.offset + c.length <= resp.body_mem.size(), "memory chunk outside body_mem");
      mem_bytes += c.length;
    }
  }
  check(file_chunks == out.size(), "a range without its file chunk");
  check(out.size() == 1 ? mem_bytes == 0 : mem_bytes == resp.body_mem.size(),
        "part heads do not add up");
  check(resp.body_length() == file_bytes + mem_bytes, "body_length differs from the chunks");
  return 0;
}
