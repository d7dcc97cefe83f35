#include "http/etag.h"

namespace tern {

namespace {

size_t put_hex(uint64_t v, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  char tmp[16];
  size_t n = 0;
  do {
    tmp[n++] = kHex[v & 15];
    v >>= 4;
  } while (v != 0);
  for (size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

// The quoted part of a tag without W/; empty when `tag` is not a valid entity-tag.
std::string_view opaque(std::string_view tag) {
  if (etag_is_weak(tag)) tag.remove_prefix(2);
  if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return {};
  for (size_t i = 1; i + 1 < tag.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(tag[i]);
    // etagc = %x21 / %x23-7E / obs-text
    if (c == '"' || c < 0x21 || c == 0x7f) return {};
  }
  return tag;
}

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

size_t make_etag(uint64_t size, int64_t mtime_usec, bool weak, char out[kMaxEtagLength]) {
  size_t n = 0;
  if (weak) {
    out[n++] = 'W';
    out[n++] = '/';
  }
  out[n++] = '"';
  n += put_hex(size, out + n);
  out[n++] = '-';
  n += put_hex(static_cast<uint64_t>(mtime_usec), out + n);
  out[n++] = '"';
  return n;
}

bool etag_strong_equal(std::string_view a, std::string_view b) {
  if (etag_is_weak(a) || etag_is_weak(b)) return false;
  std::string_view oa = opaque(a);
  return !oa.empty() && oa == opaque(b);
}

bool etag_weak_equal(std::string_view a, std::string_view b) {
  std::string_view oa = opaque(a);
  return !oa.empty() && oa == opaque(b);
}

bool etag_list_matches(std::string_view list, std::string_view etag, bool strong) {
  size_t i = 0;
  const size_t n = list.size();
  while (i < n && is_ows(list[i])) ++i;
  {
    size_t j = n;
    while (j > i && is_ows(list[j - 1])) --j;
    if (list.substr(i, j - i) == "*") return !etag.empty();
  }
  while (i < n) {
    while (i < n && (is_ows(list[i]) || list[i] == ',')) ++i;
    if (i == n) break;
    size_t start = i;
    if (list[i] == 'W' && i + 1 < n && list[i + 1] == '/') i += 2;
    if (i < n && list[i] == '"') {
      ++i;
      while (i < n && list[i] != '"') ++i;
      if (i < n) ++i;  // closing quote
    }
    // Anything up to the next comma belongs to this (possibly malformed) member.
    size_t end = i;
    while (i < n && list[i] != ',') ++i;
    size_t trail = i;
    while (trail > end && is_ows(list[trail - 1])) --trail;
    if (trail != end) continue;  // junk after the tag: malformed member
    std::string_view member = list.substr(start, end - start);
    if (strong ? etag_strong_equal(member, etag) : etag_weak_equal(member, etag)) return true;
  }
  return false;
}

}  // namespace tern
