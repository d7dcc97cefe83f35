#include "http/head_scanner.h"

#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tern {
namespace {

// Offset of the first CR or LF in d[i, n), or n. Sixteen bytes per step where SSE2 exists
// (every x86-64): a head's lines are short, so one or two steps usually find the line end.
size_t find_cr_or_lf(const char* d, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const auto mask = [&](size_t at) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + at));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
  };
  for (; i + 16 <= n; i += 16) {
    if (const unsigned m = mask(i)) return i + static_cast<size_t>(__builtin_ctz(m));
  }
  if (i < n && n >= 16) {
    // The last 16 bytes, overlapping what was searched; bytes before i are masked out.
    const size_t at = n - 16;
    if (const unsigned m = mask(at) >> (i - at)) return i + static_cast<size_t>(__builtin_ctz(m));
    return n;
  }
#endif
  for (; i < n; ++i) {
    if (d[i] == '\r' || d[i] == '\n') return i;
  }
  return n;
}

}  // namespace

void HeadScanner::reset() {
  std::vector<size_t> ends = std::move(field_ends_);
  ends.clear();
  *this = HeadScanner{};
  field_ends_ = std::move(ends);
}

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
    // One search per line for its first CR or LF: the line ends well only at a CR followed by
    // an LF; any other first CR or LF is the line's earliest fault.
    const size_t p = find_cr_or_lf(d, i, n);
    const bool request_line = phase_ == Phase::kRequestLine;
    const size_t limit = request_line ? limits.request_line : limits.field_size;
    const size_t limit_pos = line_start_ + limit;  // first byte past the limit
    // Faults at the earliest byte win, so that the outcome does not depend on how the input
    // was split into reads. A line too long is reported at limit_pos.
    const auto too_long = [&] {
      return request_line ? fail(limit_pos, 414, "request line too long")
                          : fail(limit_pos, 431, "header field too long");
    };
    if (p == n || (d[p] == '\r' && p + 1 == n)) {
      // No line end yet; a trailing CR is not vetted until the byte after it arrives.
      if (p > limit_pos) return too_long();
      i = p;
      break;
    }
    if (d[p] == '\n') {
      if (p > limit_pos) return too_long();
      return fail(p, 400, "bare LF in request head");
    }
    if (d[p + 1] != '\n') {
      if (p >= limit_pos) return too_long();
      return fail(p, 400, "bare CR in request head");
    }
    if (p > limit_pos) return too_long();
    const size_t content_end = p;
    const size_t length = content_end - line_start_;
    const size_t end = p + 1;  // the LF
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
      field_ends_.push_back(content_end);
    }
    line_start_ = i = end + 1;
  }
  pos_ = i;
  return i;
}

}  // namespace tern
