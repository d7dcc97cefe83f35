#pragma once
// A gzip (RFC 1952) compressor over zlib, as mod_deflate's: deflateInit2 with the
// configured level, window and memory level, fed in pieces with bounded output.

#include <zlib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace tern {

// zlib's settings (DeflateCompressionLevel, DeflateWindowSize, DeflateMemLevel).
struct GzipSettings {
  int level = Z_DEFAULT_COMPRESSION;  // 1..9, or -1 for zlib's default (6)
  int window_bits = 15;               // 1..15 (zlib raises 8 and below to 9)
  int mem_level = 9;                  // 1..9
};

// One gzip stream. Owns zlib's state (freed by the destructor). Not copyable.
class GzipStream {
 public:
  // Initialises zlib; ok() says whether it worked.
  explicit GzipStream(const GzipSettings& s);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // True when zlib accepted the settings.
  bool ok() const { return ok_; }
  // Compresses `in` and appends what zlib produces to `out` (may be nothing yet). False on a
  // zlib error.
  bool write(std::string_view in, std::string& out);
  // Flushes what zlib holds to `out` on a byte boundary (Z_SYNC_FLUSH). False on an error.
  bool sync_flush(std::string& out) { return ok_ && !finished_ && run(Z_SYNC_FLUSH, out); }
  // Ends the stream: appends the rest and the gzip trailer to `out`. False on a zlib error.
  bool finish(std::string& out);
  // Bytes taken and produced so far.
  uint64_t total_in() const { return z_.total_in; }
  uint64_t total_out() const { return z_.total_out; }
  // True after finish().
  bool finished() const { return finished_; }

 private:
  bool run(int flush, std::string& out);
  z_stream z_{};
  bool ok_ = false;
  bool finished_ = false;
};

// The whole of `in` as one gzip stream (for tests and small bodies); empty on a zlib error.
std::string gzip_compress(std::string_view in, const GzipSettings& s);

// Decompresses one gzip stream (for tests); nullopt-like: returns false on a bad stream.
bool gunzip(std::string_view in, std::string& out);

}  // namespace tern
