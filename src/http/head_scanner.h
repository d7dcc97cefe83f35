#pragma once
// Line structure of a request head, checked independently of llhttp: CRLF-only line ends,
// leading empty lines, line lengths (LimitRequestLine, LimitRequestFieldSize), the number of
// field lines (LimitRequestFields), obs-fold, and where the head ends. It
// records where each field line ends, so that the fields need no tokenizer callbacks.

#include <cstddef>
#include <string_view>
#include <vector>

namespace tern {

class HeadScanner {
 public:
  // Limits applied while scanning; 0 for `fields` means unlimited (as in httpd).
  struct Limits {
    size_t request_line = 8190;
    size_t field_size = 8190;
    size_t fields = 100;
    size_t blank_lines = 100;  // empty lines tolerated before the request line
  };
  enum class State { kScanning, kHeadEnd, kError };

  // Forgets everything (next request), keeping allocated capacity.
  void reset();

  // Scans the bytes of `input` not scanned yet (`input` starts at the request's first byte and
  // only grows between calls). Returns the offset where scanning stopped: the head end
  // (kHeadEnd), the offending byte (kError) or, in kScanning, the end of the bytes known to be
  // valid: input.size(), or the offset of a final CR whose LF has not arrived yet. A later
  // error is never reported before the returned offset, so a tokenizer fed exactly these bytes
  // sees the same bytes however the input was split into reads.
  size_t scan(std::string_view input, const Limits& limits);

  State state() const { return state_; }
  int error_status() const { return error_status_; }  // 400, 414 or 431 in kError
  const char* error_reason() const { return error_reason_; }
  size_t request_line_begin() const { return rl_begin_; }  // after the leading empty lines
  size_t request_line_end() const { return rl_end_; }      // offset of its CR (valid in kHeadEnd)
  size_t head_end() const { return head_end_; }            // offset after the final CRLF
  size_t fields() const { return fields_; }                // field lines seen so far
  // Offsets of the CR ending each complete field line, in order. Field line k runs from the
  // end of the line before it plus 2 (request_line_end() + 2 for the first) to its CR.
  const std::vector<size_t>& field_line_ends() const { return field_ends_; }

 private:
  size_t fail(size_t pos, int status, const char* reason);

  enum class Phase { kLeading, kRequestLine, kFields };
  Phase phase_ = Phase::kLeading;
  State state_ = State::kScanning;
  size_t pos_ = 0;         // next byte to scan
  size_t line_start_ = 0;  // first byte of the current line
  size_t blank_lines_ = 0;
  size_t rl_begin_ = 0;
  size_t rl_end_ = 0;
  size_t head_end_ = 0;
  size_t fields_ = 0;
  int error_status_ = 0;
  const char* error_reason_ = "";
  std::vector<size_t> field_ends_;
};

}  // namespace tern
