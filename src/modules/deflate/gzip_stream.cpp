#include "modules/deflate/gzip_stream.h"

#include <algorithm>

namespace tern {

namespace {
constexpr size_t kStep = 16 * 1024;  // output grown per zlib call
}

GzipStream::GzipStream(const GzipSettings& s) {
  // windowBits + 16: zlib writes the gzip header and trailer (crc32, size) itself. zlib
  // refuses a window of 8 with a gzip wrapper; httpd's minimum (1) means "smallest": 9.
  const int window = std::clamp(s.window_bits, 9, 15);
  ok_ =
      deflateInit2(&z_, s.level, Z_DEFLATED, window + 16, s.mem_level, Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipStream::~GzipStream() {
  if (ok_) deflateEnd(&z_);
}

bool GzipStream::run(int flush, std::string& out) {
  for (;;) {
    const size_t before = out.size();
    out.resize(before + kStep);
    z_.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    z_.avail_out = static_cast<uInt>(kStep);
    const int rc = deflate(&z_, flush);
    out.resize(before + kStep - z_.avail_out);
    if (rc == Z_STREAM_END) {
      finished_ = true;
      return true;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    // zlib stops when it needs more input (Z_NO_FLUSH) or filled the output: go on only
    // while it filled the output.
    if (z_.avail_out != 0 && z_.avail_in == 0 && flush != Z_FINISH) return true;
  }
}

bool GzipStream::write(std::string_view in, std::string& out) {
  if (!ok_ || finished_) return false;
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z_.avail_in = static_cast<uInt>(in.size());
  return run(Z_NO_FLUSH, out);
}

bool GzipStream::finish(std::string& out) {
  if (!ok_ || finished_) return false;
  z_.next_in = nullptr;
  z_.avail_in = 0;
  return run(Z_FINISH, out);
}

std::string gzip_compress(std::string_view in, const GzipSettings& s) {
  GzipStream z(s);
  std::string out;
  if (!z.ok() || !z.write(in, out) || !z.finish(out)) return {};
  return out;
}

bool gunzip(std::string_view in, std::string& out) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    const size_t before = out.size();
    out.resize(before + kStep);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    z.avail_out = static_cast<uInt>(kStep);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(before + kStep - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END && z.avail_in == 0;
}

}  // namespace tern
