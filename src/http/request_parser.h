#pragma once
// tern's incremental HTTP/1.x request parser: llhttp (strict, no lenient flags) tokenizes the
// head (a common head that arrives whole is checked in one pass of tern's instead, accepting
// only what llhttp accepts); tern adds the checks llhttp leaves out and decodes bodies itself.
// Error statuses: 400, 413, 414, 417, 431, 501, 505 (see the table in request_parser.cpp).

#include <string>
#include <string_view>
#include <vector>

#include <llhttp.h>

#include "http/body_decoder.h"
#include "http/head_scanner.h"
#include "http/parser_types.h"
#include "http/request.h"

namespace tern {

class RequestParser {
 public:
  explicit RequestParser(const ParserLimits& limits);
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // `input` holds every byte of the current request received so far, starting at its first
  // byte (it may move in memory between calls; only offsets are kept). Parses the new bytes.
  // kDone: `req` is filled with views into `input`, `consumed` = head length (including
  // ignored leading CRLFs and the blank line); bytes after the head are untouched.
  // kError: answer `error_status` and close the connection — except when `consumed` > 0
  // (only for 417): then the head was complete with valid framing and `req` is filled, so the
  // caller may discard the body with parse_body(…, nullptr) and keep the connection.
  // On other kError results `req` is unspecified. After kDone or kError, further calls return
  // the same result (without touching `req`) until reset().
  HeadResult parse_head(std::string_view input, Request& req);

  // After kDone of parse_head: `input` = body bytes not consumed yet. Decodes Content-Length or
  // chunked framing, appending decoded data to `*out` unless out is null. kDone when the body
  // and any trailer section ended; `consumed` = bytes of `input` used. Trailers are validated
  // and size-limited (431) but not kept. Chunked bodies over LimitRequestBody fail with 413.
  // Every kError requires closing the connection.
  BodyResult parse_body(std::string_view input, std::string* out);
  // The body's bytes framed so far by parse_body (BodyDecoder::decoded()).
  uint64_t body_decoded() const { return body_.decoded(); }

  // Prepares for the next request on the same connection (keeps allocated capacity).
  void reset();

 private:
  struct Span {
    size_t begin = 0, end = 0;
    bool seen = false;
  };

  static const llhttp_settings_t& settings();
  static int on_method(llhttp_t* p, const char* at, size_t len);
  static int on_url(llhttp_t* p, const char* at, size_t len);
  static int on_version(llhttp_t* p, const char* at, size_t len);
  static int on_version_complete(llhttp_t* p);
  static int on_headers_complete(llhttp_t* p);

  size_t offset(const char* at) const { return static_cast<size_t>(at - input_.data()); }
  void extend(Span& span, const char* at, size_t len);
  HeadResult fail(int status, const char* reason, size_t consumed = 0);
  HeadResult map_llhttp_error(llhttp_errno_t err);
  HeadResult classify_method(std::string_view input);
  // Fills `req` from the parsed head; `fields_split`: simple_head already cleared `req` and
  // split the field lines into it.
  HeadResult finish_head(Request& req, bool fields_split);
  // The common head, checked in one pass instead of by llhttp: a whole head in the first
  // input, GET, HEAD or POST, an origin-form target of RFC 3986 path and query bytes,
  // HTTP/1.1 or HTTP/1.0, and field lines `token: value` of visible ASCII, SP and HTAB whose
  // names llhttp gives no meaning of its own. The target passes parse_target's checks here
  // (finish_head then only splits it). True: the spans are set as llhttp's callbacks
  // would have set them (llhttp accepts every such head) and the fields are in `req`;
  // false: llhttp parses it (`req` is cleared again then).
  bool simple_head(std::string_view in, Request& req);
  int check_version(const char*& reason) const;

  ParserLimits limits_;
  HeadScanner::Limits scan_limits_;
  llhttp_t llhttp_;
  HeadScanner scanner_;
  BodyDecoder body_;
  std::string_view input_;     // valid only during parse_head
  size_t fed_ = 0;             // bytes of the request given to llhttp
  size_t fed_limit_ = 0;       // where the current llhttp_execute stops
  size_t method_scanned_ = 0;  // classify_method's progress (offset)
  Span method_, url_, version_;
  uint8_t method_code_ = 0;  // llhttp's method number (llhttp_.method, or simple_head's)
  size_t simple_query_ = 0;  // simple_head's target: where its '?' is (npos: no query)
  bool headers_complete_ = false;
  bool method_pending_ = false;  // llhttp rejected the method; classifying it (501 vs 400)
  int user_status_ = 0;          // status set by a callback returning HPE_USER
  const char* user_reason_ = "";
  bool llhttp_ran_ = false;  // llhttp_ was given bytes since the last reset
  bool finished_ = false;    // parse_head returned kDone or kError
  bool head_done_ = false;   // a head with valid framing was parsed (kDone, or 417)
  HeadResult result_{ParseStatus::kNeedMore};
};

}  // namespace tern
