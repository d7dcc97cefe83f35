#include "http/head_fields.h"

#include "http/char_class.h"
#include "http/host_syntax.h"

namespace tern {
namespace {

// Calls `fn` with each non-empty, trimmed element of a comma-separated list (RFC 9110 §5.6.1:
// empty elements are ignored).
template <typename Fn>
void for_each_element(std::string_view list, Fn&& fn) {
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view element = chars::trim_ows(list.substr(0, comma));
    if (!element.empty()) fn(element);
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

// Content-Length = 1*DIGIT, at most 2^63 - 1.
bool parse_content_length(std::string_view value, uint64_t& out) {
  if (value.empty()) return false;
  constexpr uint64_t kMax = (uint64_t{1} << 63) - 1;
  uint64_t n = 0;
  for (char c : value) {
    if (!chars::is(c, chars::kDigit)) return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (kMax - digit) / 10) return false;
    n = n * 10 + digit;
  }
  out = n;
  return true;
}

}  // namespace

HeadCheck apply_header_semantics(Request& req, uint64_t body_limit,
                                 std::string_view target_authority) {
  const bool http11 = req.version_major == 1 && req.version_minor == 1;
  size_t hosts = 0;
  std::string_view host;
  bool has_cl = false;
  uint64_t content_length = 0;
  bool has_te = false, te_last_chunked = false, te_unknown = false;
  int te_chunked = 0;
  bool conn_close = false, conn_keep_alive = false;
  bool expect_continue = false, expect_other = false;

  for (const HeaderField& h : req.headers) {
    switch (h.name.size()) {
      case 4:
        if (iequals(h.name, "Host")) {
          ++hosts;
          host = h.value;
        }
        break;
      case 6:
        if (iequals(h.name, "Expect") && !h.value.empty()) {
          (iequals(h.value, "100-continue") ? expect_continue : expect_other) = true;
        }
        break;
      case 10:
        if (iequals(h.name, "Connection")) {
          for_each_element(h.value, [&](std::string_view token) {
            if (iequals(token, "close")) conn_close = true;
            if (iequals(token, "keep-alive")) conn_keep_alive = true;
          });
        }
        break;
      case 14:
        if (iequals(h.name, "Content-Length")) {
          // Repeated Content-Length fields are rejected even when identical (llhttp does so
          // too); a comma list is not a plain decimal and is rejected as well.
          if (has_cl) return {400, "multiple Content-Length fields"};
          if (!parse_content_length(h.value, content_length)) {
            return {400, "invalid Content-Length"};
          }
          has_cl = true;
        }
        break;
      case 17:
        if (iequals(h.name, "Transfer-Encoding")) {
          has_te = true;
          for_each_element(h.value, [&](std::string_view coding) {
            te_last_chunked = iequals(coding, "chunked");
            if (te_last_chunked) {
              ++te_chunked;
            } else {
              te_unknown = true;
            }
          });
        }
        break;
      default:
        break;
    }
  }

  if (hosts > 1) return {400, "multiple Host fields"};
  if (hosts == 0 && http11) return {400, "missing Host field"};
  if (hosts == 1 && !valid_host_port(host, /*require_host=*/false, /*require_port=*/false)) {
    return {400, "invalid Host field"};
  }
  if (has_te) {
    if (has_cl) return {400, "Content-Length with Transfer-Encoding"};
    if (!http11) return {400, "Transfer-Encoding in an HTTP/1.0 request"};
    if (te_chunked > 1) return {400, "chunked applied more than once"};
    if (!te_last_chunked) return {400, "final transfer coding is not chunked"};
    if (te_unknown) return {501, "transfer coding not implemented"};
  }
  if (req.method == Method::kConnect && (has_te || content_length > 0)) {
    return {400, "CONNECT request with content"};
  }
  if (has_cl && body_limit != 0 && content_length > body_limit) {
    return {413, "request body too large"};
  }

  if (has_cl) req.content_length = content_length;
  req.chunked = has_te;
  req.keep_alive = !conn_close && (http11 || conn_keep_alive);
  req.host = target_authority.empty() ? host : target_authority;
  req.expect_continue = expect_continue && http11;  // RFC 9110 §10.1.1: ignored in HTTP/1.0
  if (expect_other) return {417, "unsupported expectation"};
  return {};
}

}  // namespace tern
