#include "http/range.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <random>

#include "http/request.h"

namespace tern {

namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

// Parses a run of digits at `s[i]`, saturating at kMax; false when there is none.
bool parse_digits(std::string_view s, size_t& i, uint64_t& out) {
  size_t start = i;
  uint64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    v = v > (kMax - d) / 10 ? kMax : v * 10 + d;
    ++i;
  }
  out = v;
  return i > start;
}

void add_field_u64(std::string& buf, uint64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof(tmp), v);
  buf.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

// "bytes FIRST-LAST/LENGTH" into `buf` (appended).
void append_content_range(std::string& buf, const ByteRange& r, uint64_t length) {
  buf.append("bytes ");
  add_field_u64(buf, r.first);
  buf.push_back('-');
  add_field_u64(buf, r.last);
  buf.push_back('/');
  add_field_u64(buf, length);
}

}  // namespace

namespace {

RangeDecision parse_range_impl(std::string_view value, uint64_t length, int max_ranges,
                               std::vector<ByteRange>& out) {
  if (max_ranges == 0) return RangeDecision::kIgnore;
  size_t eq = value.find('=');
  if (eq == std::string_view::npos) return RangeDecision::kIgnore;
  std::string_view unit = value.substr(0, eq);
  while (!unit.empty() && is_ows(unit.back())) unit.remove_suffix(1);
  if (!iequals(unit, "bytes")) return RangeDecision::kIgnore;
  std::string_view set = value.substr(eq + 1);
  bool any_spec = false;
  size_t i = 0;
  while (i < set.size()) {
    while (i < set.size() && (is_ows(set[i]) || set[i] == ',')) ++i;
    if (i == set.size()) break;
    uint64_t first = 0, last = kMax;
    bool suffix = false;
    if (set[i] == '-') {
      suffix = true;
      ++i;
      if (!parse_digits(set, i, last)) return RangeDecision::kIgnore;
    } else {
      if (!parse_digits(set, i, first)) return RangeDecision::kIgnore;
      if (i == set.size() || set[i] != '-') return RangeDecision::kIgnore;
      ++i;
      if (i < set.size() && set[i] >= '0' && set[i] <= '9') {
        parse_digits(set, i, last);
        if (last < first) return RangeDecision::kIgnore;  // invalid range-spec
      }
    }
    while (i < set.size() && is_ows(set[i])) ++i;
    if (i < set.size() && set[i] != ',') return RangeDecision::kIgnore;
    any_spec = true;
    if (suffix) {
      if (last == 0 || length == 0) continue;  // unsatisfiable
      uint64_t n = std::min(last, length);
      out.push_back({length - n, length - 1});
    } else {
      if (first >= length) continue;  // unsatisfiable
      out.push_back({first, std::min(last, length - 1)});
    }
  }
  if (!any_spec) return RangeDecision::kIgnore;
  if (out.empty()) return RangeDecision::kUnsatisfiable;
  std::sort(out.begin(), out.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
  size_t w = 0;
  for (size_t r = 1; r < out.size(); ++r) {
    if (out[r].first <= out[w].last + 1) {  // overlapping or adjacent (last < kMax here)
      out[w].last = std::max(out[w].last, out[r].last);
    } else {
      out[++w] = out[r];
    }
  }
  out.resize(w + 1);
  if (max_ranges > 0 && out.size() > static_cast<size_t>(max_ranges)) {
    out.clear();
    return RangeDecision::kIgnore;
  }
  return RangeDecision::kSatisfiable;
}

}  // namespace

RangeDecision parse_range(std::string_view value, uint64_t length, int max_ranges,
                          std::vector<ByteRange>& out) {
  out.clear();
  RangeDecision d = parse_range_impl(value, length, max_ranges, out);
  if (d != RangeDecision::kSatisfiable) out.clear();
  return d;
}

void random_boundary(char out[16]) {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = gen();
  for (int i = 0; i < 16; ++i) {
    out[i] = kHex[v & 15];
    v >>= 4;
  }
}

void apply_ranges(std::span<const ByteRange> ranges, uint64_t length, std::string_view content_type,
                  Response& resp) {
  resp.status = 206;
  resp.chunks.clear();
  resp.body_mem.clear();
  if (ranges.empty()) return;
  if (ranges.size() == 1) {
    resp.fields.append("Content-Range: ");
    append_content_range(resp.fields, ranges[0], length);
    resp.fields.append("\r\n");
    resp.append_file_range(ranges[0].first, ranges[0].last - ranges[0].first + 1);
    return;
  }
  char boundary[16];
  random_boundary(boundary);
  std::string_view b(boundary, sizeof(boundary));
  resp.remove_header("Content-Type");
  resp.fields.append("Content-Type: multipart/byteranges; boundary=");
  resp.fields.append(b);
  resp.fields.append("\r\n");
  // Part heads are written into body_mem and referenced by memory chunks in between
  // the file chunks (append_body would merge adjacent heads, which never happens here).
  std::string& mem = resp.body_mem;
  for (const ByteRange& r : ranges) {
    size_t start = mem.size();
    mem.append("\r\n--");
    mem.append(b);
    mem.append("\r\n");
    if (!content_type.empty()) {
      mem.append("Content-Type: ");
      mem.append(content_type);
      mem.append("\r\n");
    }
    mem.append("Content-Range: ");
    append_content_range(mem, r, length);
    mem.append("\r\n\r\n");
    resp.chunks.push_back(BodyChunk{false, start, mem.size() - start});
    resp.append_file_range(r.first, r.last - r.first + 1);
  }
  size_t start = mem.size();
  mem.append("\r\n--");
  mem.append(b);
  mem.append("--\r\n");
  resp.chunks.push_back(BodyChunk{false, start, mem.size() - start});
}

void add_unsatisfied_range(uint64_t length, Response& resp) {
  resp.fields.append("Content-Range: bytes */");
  add_field_u64(resp.fields, length);
  resp.fields.append("\r\n");
}

}  // namespace tern
