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
    const void* lf_ptr = std::memchr(d + i, '\n', n - i);
    const size_t end = lf_ptr ? static_cast<size_t>(static_cast<const char*>(lf_ptr) - d) : n;
    // A CR is only allowed right before the LF (or as the last byte received so far).
    if (const void* cr = std::memchr(d + i, '\r', end - i)) {
      const size_t c = static_cast<size_t>(static_cast<const char*>(cr) - d);
      if (c + 1 != end) return fail(c, 400, "bare CR in request head");
    }
    if (lf_ptr && (end == line_start_ || d[end - 1] != '\r')) {
      return fail(end, 400, "bare LF in request head");
    }
    size_t content_end = end;
    if (content_end > line_start_ && d[content_end - 1] == '\r') --content_end;
    const size_t length = content_end - line_start_;
    if (phase_ == Phase::kRequestLine) {
      if (length > limits.request_line) {
        return fail(line_start_ + limits.request_line, 414, "request line too long");
      }
    } else if (length > limits.field_size) {
      return fail(line_start_ + limits.field_size, 431, "header field too long");
    }
    if (!lf_ptr) {
      // Resume at a trailing CR so that the byte after it is checked to be LF.
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
    } else if (++fields_ > limits.fields && limits.fields != 0) {
      return fail(line_start_, 431, "too many header fields");
    }
    line_start_ = i = end + 1;
  }
  pos_ = i;
  return n;
}

}  // namespace tern
