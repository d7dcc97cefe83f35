#include "http/head_scanner.h"

#include <cstring>

namespace tern {

size_t HeadScanner::fail(size_t pos, int status, const char* reason) {
  state_ = State::kError;
  error_status_ = status;
  error_reason_ = reason;
  pos_ = pos;
  return pos;
}

size_t HeadScanner::scan(std::string_view input, const Limits& limits) {
  if (state_ == State::kHeadEnd) return head_end_;
  if (state_ == State::kError) return pos_;
  const char* d = input.data();
  const size_t n = input.size();
  size_t i = pos_;
  while (i < n) {
    if (phase_ == Phase::kLeading) {
      // RFC 9112 §2.2: ignore empty lines (CRLF) before the request line.
      if (d[i] == '\r') {
        if (i + 1 == n) break;
        if (d[i + 1] != '\n') return fail(i, 400, "bare CR in request head");
        if (++blank_lines_ > limits.blank_lines) {
          return fail(i, 400, "too many empty lines before the request line");
        }
        i += 2;
        continue;
      }
      if (d[i] == '\n') return fail(i, 400, "bare LF in request head");
      phase_ = Phase::kRequestLine;
      line_start_ = rl_begin_ = i;
    }
    // obs-fold (a field line starting with whitespace) is rejected with 400, which RFC 9112
    // §5.2 allows for requests; it also catches whitespace between the start line and the
    // first field (RFC 9112 §2.2).
    if (phase_ == Phase::kFields && i == line_start_ && (d[i] == ' ' || d[i] == '\t')) {
      return fail(i, 400, "obsolete line folding or whitespace at line start");
    }
    // The field beyond LimitRequestFields is refused at its first byte, before llhttp sees it.
    if (phase_ == Phase::kFields && i == line_start_ && d[i] != '\r' && limits.fields != 0 &&
        fields_ >= limits.fields) {
      return fail(i, 431, "too many header fields");
    }
    const void* lf_ptr = std::memchr(d + i, '\n', n - i);
    const size_t end = lf_ptr ? static_cast<size_t>(static_cast<const char*>(lf_ptr) - d) : n;
    size_t content_end = end;
    if (content_end > line_start_ && d[content_end - 1] == '\r') --content_end;
    const size_t length = content_end - line_start_;
    const bool request_line = phase_ == Phase::kRequestLine;
    const size_t limit = request_line ? limits.request_line : limits.field_size;
    // Several faults in one line: report the one at the earliest byte, so that the outcome
    // does not depend on how the input was split into reads.
    size_t bad_cr = n;  // a CR is only allowed right before the LF (or as the last byte so far)
    if (const void* cr = std::memchr(d + i, '\r', end - i)) {
      const size_t c = static_cast<size_t>(static_cast<const char*>(cr) - d);
      if (c + 1 != end) bad_cr = c;
    }
    const size_t too_long = length > limit ? line_start_ + limit : n;
    const size_t bare_lf = lf_ptr && (end == line_start_ || d[end - 1] != '\r') ? end : n;
    if (too_long < n && too_long <= bad_cr && too_long <= bare_lf) {
      return request_line ? fail(too_long, 414, "request line too long")
                          : fail(too_long, 431, "header field too long");
    }
    if (bad_cr < n && bad_cr < bare_lf) return fail(bad_cr, 400, "bare CR in request head");
    if (bare_lf < n) return fail(bare_lf, 400, "bare LF in request head");
    if (!lf_ptr) {
      // A trailing CR is not vetted until the byte after it arrives: stop before it.
      i = content_end;
      break;
    }
    if (phase_ == Phase::kRequestLine) {
      rl_end_ = content_end;
      phase_ = Phase::kFields;
    } else if (length == 0) {
      state_ = State::kHeadEnd;
      head_end_ = end + 1;
      pos_ = head_end_;
      return head_end_;
    } else {
      ++fields_;
    }
    line_start_ = i = end + 1;
  }
  pos_ = i;
  return i;
}

}  // namespace tern
