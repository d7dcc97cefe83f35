#pragma once
// The header block a CGI script writes before its body, parsed incrementally as the
// bytes arrive from its stdout, with httpd's ap_scan_script_header_err semantics.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern {

// What the script's header block said.
struct CgiHead {
  int status = 200;                        // from Status (200 when absent)
  bool has_status = false;                 // a Status field was given
  std::string reason;                      // Status's text after the code, "" when none
  std::string location;                    // Location, "" when absent
  std::string content_type;                // Content-Type, type lower-cased, "" when absent
  std::optional<uint64_t> content_length;  // a valid Content-Length
  // Every other field, in order (Set-Cookie repeated as given).
  std::vector<std::pair<std::string, std::string>> fields;
};

// Parses the header block. Lines end with LF (every CR is dropped, as httpd's
// getsfunc_BRIGADE); a line longer than 8190 bytes is cut there and the rest read as
// the next line (httpd's MAX_STRING_LEN buffer); an empty line ends the block.
class CgiHeaderParser {
 public:
  // The longest header block accepted: longer is a 500 with an error-log line, as httpd's
  // limit on a response's header fields would.
  static constexpr size_t kMaxBlock = 256 * 1024;
  enum class State { kMore, kDone, kError };

  // Consumes bytes of `data` up to and including the blank line; `*used` is how many
  // were consumed (the rest is body). kError: error() says why.
  State feed(std::string_view data, size_t* used);
  // The head parsed so far (complete once feed() returned kDone).
  const CgiHead& head() const { return head_; }
  // After kError: httpd's reason, e.g. "Bad header: garbage" (first 30 bytes of the line).
  const std::string& error() const { return error_; }
  // After kError: true when the Status value was invalid (else a line was malformed).
  bool bad_status() const { return bad_status_; }
  // After kError: the first 30 bytes of the offending line (or Status value).
  const std::string& excerpt() const { return excerpt_; }
  // True when some bytes were received but the block is incomplete.
  bool started() const { return started_; }

 private:
  State line(std::string_view l);

  CgiHead head_;
  std::string line_;
  std::string error_;
  std::string excerpt_;
  bool bad_status_ = false;
  bool started_ = false;
  size_t block_bytes_ = 0;  // bytes of the header block so far (bounded by kMaxBlock)
  State state_ = State::kMore;
};

}  // namespace tern
