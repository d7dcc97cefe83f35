#include "http/request_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "http/char_class.h"
#include "http/head_fields.h"
#include "http/target.h"

// How failures map to statuses. Every kError means: answer and close the connection; the only
// exception is 417 (head complete, framing valid: the body may be discarded instead).
//   request line longer than LimitRequestLine ............................ 414
//   a field line longer than LimitRequestFieldSize, too many fields ...... 431
//   Content-Length above LimitRequestBody (head) / chunked body above it . 413
//   unknown method token (e.g. FOO, get, DESCRIBE) ....................... 501
//   HTTP-version other than 1.0/1.1 (HTTP/0.9, HTTP/1.2, HTTP/2.0) ....... 505
//   request line without version (HTTP/0.9 simple request) .............. 400
//   transfer coding other than chunked before the final chunked ......... 501
//   Expect other than 100-continue ....................................... 417
//   trailer section above trailer_size ................................... 431
//   everything else (syntax, framing, Host, target, chunk syntax) ........ 400

namespace tern {
namespace {

// True when every byte of `s` is SP to "~" or HTAB (a field value without obs-text). Eight
// bytes at a time: a word with no byte below SP and none above "~" needs no closer look; the
// test may flag a good word (a borrow or carry), never miss a bad one.
bool printable_ascii_or_tab(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    const uint64_t above_tilde = ((w + kOnes * 1) | w) & kHigh;
    if ((below_space | above_tilde) == 0) continue;
    break;
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (!chars::is(c, chars::kVchar) && c != ' ' && c != '\t') return false;
  }
  return true;
}

// The colon ending the field name of the line [line, end) of `d`: a token then ":" (no
// whitespace before the colon, RFC 9112 §5.1), or npos.
size_t field_colon(const char* d, size_t line, size_t end) {
  size_t colon = line;
  while (colon < end && chars::is(d[colon], chars::kTchar)) ++colon;
  return colon == line || colon == end || d[colon] != ':' ? std::string_view::npos : colon;
}

RequestParser* self(llhttp_t* p) {
  return static_cast<RequestParser*>(p->data);
}

Method map_method(uint8_t m) {
  switch (m) {
    case HTTP_GET:
      return Method::kGet;
    case HTTP_HEAD:
      return Method::kHead;
    case HTTP_POST:
      return Method::kPost;
    case HTTP_PUT:
      return Method::kPut;
    case HTTP_DELETE:
      return Method::kDelete;
    case HTTP_OPTIONS:
      return Method::kOptions;
    case HTTP_TRACE:
      return Method::kTrace;
    case HTTP_PATCH:
      return Method::kPatch;
    case HTTP_CONNECT:
      return Method::kConnect;
    default:
      return Method::kOther;
  }
}

}  // namespace

const llhttp_settings_t& RequestParser::settings() {
  static const llhttp_settings_t s = [] {
    llhttp_settings_t t;
    llhttp_settings_init(&t);
    t.on_method = &RequestParser::on_method;
    t.on_url = &RequestParser::on_url;
    t.on_version = &RequestParser::on_version;
    t.on_version_complete = &RequestParser::on_version_complete;
    t.on_headers_complete = &RequestParser::on_headers_complete;
    return t;
  }();
  return s;
}

RequestParser::RequestParser(const ParserLimits& limits) : limits_(limits) {
  scan_limits_.request_line = limits.request_line;
  scan_limits_.field_size = limits.field_size;
  scan_limits_.fields = limits.fields;
  // Like httpd, tolerate as many empty lines before a request as fields in it.
  scan_limits_.blank_lines = limits.fields != 0 ? limits.fields : 100;
  llhttp_init(&llhttp_, HTTP_REQUEST, &settings());
  llhttp_.data = this;
}

void RequestParser::reset() {
  // A head checked in one pass never reached llhttp: its state is still the initial one.
  if (llhttp_ran_) llhttp_reset(&llhttp_);
  llhttp_ran_ = false;
  scanner_.reset();
  body_.start_none();
  input_ = {};
  fed_ = fed_limit_ = method_scanned_ = 0;
  method_ = url_ = version_ = Span{};
  method_code_ = 0;
  headers_complete_ = method_pending_ = false;
  user_status_ = 0;
  user_reason_ = "";
  finished_ = head_done_ = false;
  result_ = HeadResult{ParseStatus::kNeedMore};
}

// Spans arrive in pieces when a token straddles two calls; the pieces are contiguous.
void RequestParser::extend(Span& span, const char* at, size_t len) {
  if (!span.seen) {
    span.begin = offset(at);
    span.seen = true;
  }
  span.end = offset(at) + len;
}

int RequestParser::on_method(llhttp_t* p, const char* at, size_t len) {
  self(p)->extend(self(p)->method_, at, len);
  return 0;
}

int RequestParser::on_url(llhttp_t* p, const char* at, size_t len) {
  self(p)->extend(self(p)->url_, at, len);
  return 0;
}

int RequestParser::on_version(llhttp_t* p, const char* at, size_t len) {
  self(p)->extend(self(p)->version_, at, len);
  return 0;
}

int RequestParser::on_version_complete(llhttp_t* p) {
  RequestParser* s = self(p);
  const char* reason = "";
  if (int status = s->check_version(reason)) {
    s->user_status_ = status;
    s->user_reason_ = reason;
    return HPE_USER;
  }
  return 0;
}

int RequestParser::on_headers_complete(llhttp_t* p) {
  self(p)->headers_complete_ = true;
  return HPE_PAUSED;  // stop exactly at the end of the head
}

int RequestParser::check_version(const char*& reason) const {
  if (!version_.seen || version_.begin < 5 || input_.substr(version_.begin - 5, 5) != "HTTP/") {
    reason = "invalid HTTP version";
    return 400;
  }
  const std::string_view v = input_.substr(version_.begin, version_.end - version_.begin);
  if (v.size() != 3 || !chars::is(v[0], chars::kDigit) || v[1] != '.' ||
      !chars::is(v[2], chars::kDigit)) {
    reason = "invalid HTTP version";
    return 400;
  }
  if (v[0] == '1' && (v[2] == '0' || v[2] == '1')) return 0;
  reason = "HTTP version not supported";
  return 505;
}

HeadResult RequestParser::fail(int status, const char* reason, size_t consumed) {
  finished_ = true;
  result_ = HeadResult{ParseStatus::kError, consumed, status, reason};
  return result_;
}

// llhttp only knows a fixed list of methods. A method token it does not know answers 501 (as
// httpd does) once the token is complete, i.e. followed by SP; anything else is a bad line.
// Only bytes before the scanner's stop are looked at, so that a line-level fault found by
// the scanner earlier in the input wins regardless of how the input was split into reads.
HeadResult RequestParser::classify_method(std::string_view input) {
  const size_t begin = scanner_.request_line_begin();
  size_t i = std::max(begin, method_scanned_);
  while (i < input.size() && chars::is(input[i], chars::kTchar)) ++i;
  method_scanned_ = i;  // resume here when more bytes arrive
  if (i == input.size()) {
    if (scanner_.state() == HeadScanner::State::kError) {
      return fail(scanner_.error_status(), scanner_.error_reason());
    }
    return {ParseStatus::kNeedMore};
  }
  if (i > begin && input[i] == ' ') return fail(501, "method not implemented");
  return fail(400, "invalid method");
}

HeadResult RequestParser::map_llhttp_error(llhttp_errno_t err) {
  if (user_status_ != 0) return fail(user_status_, user_reason_);
  switch (err) {
    case HPE_INVALID_METHOD:
      method_pending_ = true;
      return classify_method(input_.substr(0, fed_limit_));
    case HPE_INVALID_CONSTANT:
      // A method llhttp knows only for RTSP (DESCRIBE … FLUSH) used with HTTP. PRI (34) is an
      // HTTP method: its "Expected HTTP/" is a bad request line like any other method's.
      if (method_.seen && llhttp_.method >= HTTP_DESCRIBE) {
        return fail(501, "method not implemented");
      }
      return fail(400, "invalid request line");
    case HPE_INVALID_VERSION: {
      const char* reason = "";
      const int status = check_version(reason);
      return fail(status == 505 ? 505 : 400, status == 505 ? reason : "invalid HTTP version");
    }
    case HPE_INVALID_URL:
      return fail(400, "invalid request target");
    case HPE_UNEXPECTED_CONTENT_LENGTH:
    case HPE_INVALID_CONTENT_LENGTH:
      return fail(400, "invalid Content-Length");
    case HPE_INVALID_TRANSFER_ENCODING:
      return fail(400, "invalid Transfer-Encoding");
    case HPE_INVALID_HEADER_TOKEN:
      return fail(400, "invalid header field");
    default: {
      const char* reason = llhttp_get_error_reason(&llhttp_);
      return fail(400, reason != nullptr && *reason != '\0' ? reason : "malformed request");
    }
  }
}

HeadResult RequestParser::parse_head(std::string_view input, Request& req) {
  if (finished_) return result_;
  input_ = input;
  const size_t stop = scanner_.scan(input, scan_limits_);
  fed_limit_ = stop;
  if (fed_ == 0 && !method_pending_ && scanner_.state() == HeadScanner::State::kHeadEnd &&
      simple_head(input, req)) {
    return finish_head(req, true);
  }
  if (method_pending_) {
    const HeadResult r = classify_method(input.substr(0, stop));
    if (r.status != ParseStatus::kNeedMore) return r;
  } else if (stop > fed_) {
    llhttp_ran_ = true;
    const llhttp_errno_t err = llhttp_execute(&llhttp_, input.data() + fed_, stop - fed_);
    if (err == HPE_PAUSED) {
      const size_t at = offset(llhttp_get_error_pos(&llhttp_));
      if (!headers_complete_ || scanner_.state() != HeadScanner::State::kHeadEnd ||
          at != scanner_.head_end()) {
        return fail(400, "malformed request head");
      }
      fed_ = at;
      method_code_ = llhttp_.method;
      return finish_head(req, false);
    }
    if (err != HPE_OK) return map_llhttp_error(err);
    fed_ = stop;
  }
  switch (scanner_.state()) {
    case HeadScanner::State::kError:
      return fail(scanner_.error_status(), scanner_.error_reason());
    case HeadScanner::State::kHeadEnd:
      // The head ended but llhttp did not finish it (e.g. "PRI * HTTP/1.1").
      return fail(400, "malformed request head");
    case HeadScanner::State::kScanning:
      break;
  }
  return {ParseStatus::kNeedMore};
}

HeadResult RequestParser::finish_head(Request& req, bool fields_split) {
  const std::string_view in = input_;
  if (!fields_split) req.clear();
  if (!method_.seen || !url_.seen || !version_.seen) {
    return fail(400, "request line without HTTP version");
  }
  // Exactly method SP request-target SP HTTP-version (llhttp tolerates repeated spaces).
  const size_t rl_begin = scanner_.request_line_begin();
  const size_t rl_end = scanner_.request_line_end();
  if (method_.begin != rl_begin || in[method_.end] != ' ' || url_.begin != method_.end + 1 ||
      url_.end <= url_.begin || in[url_.end] != ' ' || version_.begin != url_.end + 6 ||
      version_.end != rl_end) {
    return fail(400, "malformed request line");
  }
  // The version passed check_version in on_version_complete: "HTTP/1.0" or "HTTP/1.1".
  req.version_major = in[version_.begin] - '0';
  req.version_minor = in[version_.begin + 2] - '0';
  req.request_line = std::string_view(in.data() + rl_begin, rl_end - rl_begin);
  req.method_name = std::string_view(in.data() + method_.begin, method_.end - method_.begin);
  req.method = map_method(method_code_);
  req.target = std::string_view(in.data() + url_.begin, url_.end - url_.begin);

  ParsedTarget target;
  if (fields_split) {
    // simple_head checked the origin-form target as parse_target would, and found its '?'.
    target.path = req.target.substr(0, simple_query_);
    if (simple_query_ != std::string_view::npos) {
      target.query = req.target.substr(simple_query_ + 1);
      target.has_query = true;
    }
  } else if (!parse_target(req.target, req.method == Method::kConnect,
                           req.method == Method::kOptions, target)) {
    return fail(400, "invalid request target");
  }
  req.path = target.path;
  req.query = target.query;
  req.has_query = target.has_query;

  // llhttp accepted every field line (name ":" value, no obs-fold: the scanner refuses it),
  // so a field is its line split at the first colon; the scanner knows where lines end.
  // simple_head split them already while it checked them.
  if (!fields_split) {
    const char* d = in.data();
    size_t line = rl_end + 2;
    for (const size_t end : scanner_.field_line_ends()) {
      // llhttp accepts whitespace between the name and the colon; RFC 9112 §5.1 requires 400.
      const size_t colon = field_colon(d, line, end);
      if (colon == std::string_view::npos) return fail(400, "invalid header field name");
      req.headers.push_back({std::string_view(d + line, colon - line),
                             chars::trim_ows(std::string_view(d + colon + 1, end - colon - 1))});
      line = end + 2;
    }
  }

  const HeadCheck check = apply_header_semantics(
      req, limits_.body, target.form == TargetForm::kAbsolute ? target.authority : "");
  if (check.status != 0 && check.status != 417) return fail(check.status, check.reason);
  if (req.chunked) {
    body_.start_chunked(limits_);
  } else {
    body_.start_length(req.content_length.value_or(0));
  }
  head_done_ = true;
  const size_t head_end = scanner_.head_end();
  if (check.status == 417) return fail(417, check.reason, head_end);
  finished_ = true;
  result_ = HeadResult{ParseStatus::kDone, head_end};
  return result_;
}

bool RequestParser::simple_head(std::string_view in, Request& req) {
  const char* d = in.data();
  const size_t begin = scanner_.request_line_begin();
  const size_t end = scanner_.request_line_end();
  const std::string_view line(d + begin, end - begin);
  size_t method_len;
  uint8_t code;
  if (line.starts_with("GET ")) {
    method_len = 3;
    code = HTTP_GET;
  } else if (line.starts_with("HEAD ")) {
    method_len = 4;
    code = HTTP_HEAD;
  } else if (line.starts_with("POST ")) {
    method_len = 4;
    code = HTTP_POST;
  } else {
    return false;
  }
  // method SP "/"… SP "HTTP/1.x"
  constexpr size_t kVersionLen = 8;
  if (line.size() < method_len + 2 + 1 + kVersionLen) return false;
  const size_t target_end = line.size() - kVersionLen - 1;
  const std::string_view version = line.substr(target_end + 1);
  if (line[target_end] != ' ' || (version != "HTTP/1.1" && version != "HTTP/1.0")) return false;
  if (line[method_len + 1] != '/') return false;
  // parse_target's checks for an origin-form target, in the same pass: its bytes, each '%'
  // followed by two hex digits, and where the query begins.
  const std::string_view target = line.substr(method_len + 1, target_end - method_len - 1);
  size_t query = std::string_view::npos;
  for (size_t i = 0; i < target.size(); ++i) {
    const char c = target[i];
    if (!chars::is(c, chars::kUnreserved | chars::kSubDelim | chars::kTargetPunct)) {
      return false;
    }
    if (c == '%') {
      if (!chars::pct_encoded_at(target, i)) return false;
      i += 2;
    } else if (c == '?' && query == std::string_view::npos) {
      query = i;
    }
  }
  req.clear();
  size_t start = end + 2;
  for (const size_t line_end : scanner_.field_line_ends()) {
    const size_t colon = field_colon(d, start, line_end);
    if (colon == std::string_view::npos) return false;
    // The fields llhttp interprets (framing, upgrades) are left to it. Connection's close
    // and keep-alive are tern's own (apply_header_semantics), so only a Connection that
    // may name "upgrade" goes to llhttp.
    const std::string_view name(d + start, colon - start);
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
        iequals(name, "upgrade") || iequals(name, "proxy-connection")) {
      return false;
    }
    const std::string_view value(d + colon + 1, line_end - colon - 1);
    if (!printable_ascii_or_tab(value)) return false;
    if (iequals(name, "connection") && contains_nocase(value, "upgrade")) return false;
    req.headers.push_back({name, chars::trim_ows(value)});
    start = line_end + 2;
  }
  method_code_ = code;
  simple_query_ = query;
  method_ = Span{begin, begin + method_len, true};
  url_ = Span{begin + method_len + 1, begin + target_end, true};
  version_ = Span{begin + target_end + 6, end, true};
  return true;
}

BodyResult RequestParser::parse_body(std::string_view input, std::string* out) {
  if (!head_done_) return {ParseStatus::kError, 0, 400, "no request head parsed"};
  return body_.decode(input, out);
}

}  // namespace tern
