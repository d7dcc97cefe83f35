#pragma once
// The DEFLATE output filter (httpd 2.4.71's deflate_out_filter) over tern's responses:
// whether a response is compressed, the head changes that go with it (Content-Encoding,
// Vary, ETag, no Content-Length), and the body, streamed through zlib in bounded pieces.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"
#include "modules/deflate/deflate_config.h"

namespace tern {

// A body of at most this many bytes is known "in one brigade" and is compressed at once
// (the response keeps a Content-Length); a longer one streams through a task.
inline constexpr uint64_t kDeflateAtOnceMax = 64 * 1024;
// httpd 2.4.71 passes a whole body shorter than this untouched (and adds no Vary); measured
// against Debian's apache2: 68 bytes are sent as is, 69 are compressed.
inline constexpr uint64_t kDeflateMinSize = 69;

// What the filter does with one response.
enum class DeflateVerdict : uint8_t {
  kPass,      // untouched (no Vary): not for this filter
  kVaryOnly,  // Vary: Accept-Encoding added, body as is (the client does not take gzip)
  kCompress,  // the head is changed for gzip; the body must be compressed (not for 304)
};

// The request-side facts the filter reads, copied so that a task can keep them.
struct DeflateRequest {
  std::optional<std::string> accept_encoding;  // Accept-Encoding, when sent
  bool no_gzip = false;                        // env no-gzip
  bool force_gzip = false;                     // env force-gzip
  bool gzip_only_html = false;                 // env gzip-only-text/html = "1"
  // Reads them from `req` and the request's environment in `resp`.
  static DeflateRequest from(const Request& req, const Response& resp);
};

// Where the DEFLATE filter is configured for one request: always (SetOutputFilter, or
// AddOutputFilter by the file's extension), or for these media types.
struct DeflateMatch {
  bool always = false;
  const std::vector<std::string>* types = nullptr;  // AddOutputFilterByType DEFLATE's
  std::shared_ptr<const ModuleConfig> keep;         // keeps `types` alive (in a task)
  // True when the filter is configured for a response of Content-Type `content_type` (its
  // media type before ';' or white space, compared exactly as mod_filter does).
  bool matches(std::optional<std::string_view> content_type) const;
  // Nothing configured.
  bool empty() const { return !always && (types == nullptr || types->empty()); }
};

// The filter's configuration for the request whose file is `filename`: null `dir` → empty.
DeflateMatch deflate_match(const FilterDirConfig* dir, std::string_view filename);

// httpd's decision on the head in `resp` (status, fields), with the body's length when
// all of it is known (`known_length`); on kVaryOnly and kCompress it changes the head as
// httpd does (Vary; and Content-Encoding, no Content-Length/Content-MD5, ETag per
// `alter`).
DeflateVerdict deflate_decide(const DeflateRequest& rq, const DeflateMatch& match,
                              std::optional<uint64_t> known_length, AlterEtag alter,
                              Response& resp);

// Compresses the body of `resp` (memory and file chunks) for `req`, after deflate_decide
// said kCompress: at once when short (then a Range or an If-None-Match naming the gzip ETag
// is answered on the compressed bytes, as httpd's byterange filter does when the gzip
// stream fits in one DeflateBufferSize), else by a streaming task set on `resp`. `now` is
// the request time. False when zlib failed (the body is then left as it was).
bool deflate_body(const Request& req, const DeflateServerConfig& cfg, int max_ranges, time_t now,
                  Response& resp);

}  // namespace tern
