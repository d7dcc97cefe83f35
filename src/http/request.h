#pragma once
// A parsed HTTP/1.x request head. Every view points into the connection's input
// buffer and stays valid until the connection consumes the request.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tern {

// Methods tern distinguishes; everything else is kOther (answered 501).
enum class Method { kGet, kHead, kPost, kPut, kDelete, kOptions, kTrace, kPatch, kConnect, kOther };

// One header field as received (name case preserved, value without surrounding OWS).
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// The request head, as the parser leaves it after `HeadDone`.
struct Request {
  Method method = Method::kOther;
  std::string_view method_name;  // as received, e.g. "GET"
  std::string_view target;       // raw request-target as received
  std::string_view path;   // raw (still percent-encoded) path of the target; "*" for OPTIONS *
  std::string_view query;  // after '?', without it; empty when absent
  bool has_query = false;
  std::string_view host;  // Host header, or the authority of an absolute-form target
  int version_major = 1;
  int version_minor = 1;
  std::vector<HeaderField> headers;

  // Message framing as decided by the parser.
  std::optional<uint64_t> content_length;  // when a Content-Length was given
  bool chunked = false;                    // Transfer-Encoding: chunked
  bool keep_alive = true;                  // per version and Connection header
  bool expect_continue = false;            // Expect: 100-continue
  std::string_view request_line;           // the first line without CRLF (for logs)

  // True when the request has a body to read (chunked or Content-Length > 0).
  bool has_body() const { return chunked || (content_length && *content_length > 0); }
  // The value of the first header field named `name` (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  // Clears everything for reuse (keeps the vector's capacity).
  void clear();
  // Points every view that lies in [from, from + len) at the same offset of `to` (a copy of
  // those bytes), so that the request outlives the buffer it was parsed from.
  void rebase(const char* from, size_t len, const char* to);
};

// Case-insensitive ASCII comparison of two tokens. Inline: it runs for every field of every
// request (framing fields, Request::header), mostly to find the lengths differ.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x += 32;
    if (y >= 'A' && y <= 'Z') y += 32;
    if (x != y) return false;
  }
  return true;
}

// httpd's ap_strcasestr: `needle` (lower case) anywhere in `hay`, ignoring ASCII case.
inline bool contains_nocase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size()) {
      char c = hay[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != needle[k]) break;
      ++k;
    }
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace tern
