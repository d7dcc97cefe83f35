#include "http/body_decoder.h"

#include <algorithm>
#include <cstring>

#include "http/char_class.h"

namespace tern {
namespace {

// Longest chunk-size accepted (hex digits, leading zeros included).
constexpr size_t kMaxSizeDigits = 64;

size_t skip_bws(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

// quoted-string starting at s[i] == '"'; returns the offset after it or npos.
size_t skip_quoted_string(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\') {
      if (++i == s.size() || !chars::is_field_value_char(s[i])) return std::string_view::npos;
    } else if (!chars::is_field_value_char(c)) {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

size_t skip_token(std::string_view s, size_t i) {
  while (i < s.size() && chars::is(s[i], chars::kTchar)) ++i;
  return i;
}

}  // namespace

bool valid_field_line(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || !chars::is_token(line.substr(0, colon))) return false;
  for (char c : line.substr(colon + 1)) {
    if (!chars::is_field_value_char(c)) return false;
  }
  return true;
}

void BodyDecoder::start_length(uint64_t length) {
  *this = BodyDecoder{};
  state_ = length == 0 ? State::kDone : State::kLength;
  remaining_ = length;
}

void BodyDecoder::start_chunked(const ParserLimits& limits) {
  *this = BodyDecoder{};
  state_ = State::kSizeLine;
  body_limit_ = limits.body;
  chunk_ext_limit_ = limits.chunk_ext;
  trailer_limit_ = limits.trailer_size;
}

void BodyDecoder::start_none() {
  *this = BodyDecoder{};
}

BodyResult BodyDecoder::error(size_t consumed, int status, const char* reason) {
  state_ = State::kError;
  error_ = BodyResult{ParseStatus::kError, consumed, status, reason};
  return error_;
}

int BodyDecoder::parse_size_line(std::string_view line, uint64_t& size, const char*& reason) const {
  // chunk-size = 1*HEXDIG
  size_t i = 0;
  size = 0;
  while (i < line.size() && chars::is(line[i], chars::kHex)) {
    if (size > (UINT64_MAX >> 4)) {
      reason = "chunk size overflow";
      return 400;
    }
    size = (size << 4) | static_cast<uint64_t>(chars::hex_value(line[i]));
    ++i;
  }
  if (i == 0 || i > kMaxSizeDigits) {
    reason = "invalid chunk size";
    return 400;
  }
  // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
  if (line.size() - i > chunk_ext_limit_) {
    reason = "chunk extension too long";
    return 400;
  }
  while (i < line.size()) {
    i = skip_bws(line, i);
    if (i == line.size() || line[i] != ';') {
      reason = "invalid chunk extension";
      return 400;
    }
    i = skip_bws(line, i + 1);
    const size_t name_end = skip_token(line, i);
    if (name_end == i) {
      reason = "invalid chunk extension";
      return 400;
    }
    i = name_end;
    const size_t eq = skip_bws(line, i);
    if (eq < line.size() && line[eq] == '=') {
      i = skip_bws(line, eq + 1);
      const size_t value_end =
          i < line.size() && line[i] == '"' ? skip_quoted_string(line, i) : skip_token(line, i);
      if (value_end == std::string_view::npos || value_end == i) {
        reason = "invalid chunk extension";
        return 400;
      }
      i = value_end;
    }
  }
  return 0;
}

BodyResult BodyDecoder::decode(std::string_view input, std::string* out) {
  if (state_ == State::kError) return error_;
  size_t pos = 0;
  const size_t n = input.size();
  while (state_ != State::kDone) {
    switch (state_) {
      case State::kLength:
      case State::kData: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, n - pos));
        if (take == 0) return {ParseStatus::kNeedMore, pos};
        if (out) out->append(input.data() + pos, take);
        pos += take;
        remaining_ -= take;
        if (state_ == State::kLength) {
          decoded_ += take;
          if (remaining_ == 0) state_ = State::kDone;
        } else if (remaining_ == 0) {
          state_ = State::kDataCR;
        }
        break;
      }
      case State::kDataCR:
      case State::kDataLF: {
        if (pos == n) return {ParseStatus::kNeedMore, pos};
        const char want = state_ == State::kDataCR ? '\r' : '\n';
        if (input[pos] != want) return error(pos, 400, "missing CRLF after chunk data");
        ++pos;
        state_ = state_ == State::kDataCR ? State::kDataLF : State::kSizeLine;
        break;
      }
      case State::kSizeLine:
      case State::kTrailer: {
        const size_t from = pos + line_scanned_;
        const void* lf = from < n ? std::memchr(input.data() + from, '\n', n - from) : nullptr;
        const bool trailer = state_ == State::kTrailer;
        // Checks run in the same order whether the line arrived whole or in pieces, so the
        // status does not depend on read boundaries: size limits first, then syntax.
        if (!lf) {
          const size_t k = n - pos;  // bytes of the line so far, no LF among them
          line_scanned_ = k;
          // k >= 2 without LF cannot be the final empty line: the field line is >= k + 1 bytes.
          if (trailer && k >= 2 && trailer_bytes_ + k + 1 > trailer_limit_) {
            return error(pos, 431, "trailer section too large");
          }
          if (!trailer && k > kMaxSizeDigits + chunk_ext_limit_ + 1) {
            return error(pos, 400, "chunk size line too long");
          }
          return {ParseStatus::kNeedMore, pos};
        }
        line_scanned_ = 0;
        const size_t end = static_cast<size_t>(static_cast<const char*>(lf) - input.data());
        // The same bound as for a partial line above, checked first, so a long line gets
        // the same answer whether its LF came in the same read or a later one.
        if (!trailer && end - pos > kMaxSizeDigits + chunk_ext_limit_ + 1) {
          return error(pos, 400, "chunk size line too long");
        }
        const bool empty_line = end == pos + 1 && input[pos] == '\r';
        if (trailer && !empty_line) {
          trailer_bytes_ += end + 1 - pos;
          if (trailer_bytes_ > trailer_limit_) return error(pos, 431, "trailer section too large");
        }
        if (end == pos || input[end - 1] != '\r') return error(pos, 400, "bare LF in chunked body");
        const std::string_view line = input.substr(pos, end - 1 - pos);
        if (line.find('\r') != std::string_view::npos) {
          return error(pos, 400, "bare CR in chunked body");
        }
        if (trailer) {
          if (line.empty()) {
            pos = end + 1;
            state_ = State::kDone;
            break;
          }
          // obs-fold starts with whitespace and has no valid field name: rejected here too.
          if (!valid_field_line(line)) return error(pos, 400, "invalid trailer field");
          pos = end + 1;
          break;
        }
        uint64_t size = 0;
        const char* reason = "";
        if (int status = parse_size_line(line, size, reason)) return error(pos, status, reason);
        if (body_limit_ != 0 && (size > body_limit_ || decoded_ > body_limit_ - size)) {
          return error(pos, 413, "request body too large");
        }
        pos = end + 1;
        decoded_ += size;
        remaining_ = size;
        state_ = size == 0 ? State::kTrailer : State::kData;
        break;
      }
      case State::kDone:
      case State::kError:
        break;
    }
  }
  return {ParseStatus::kDone, pos};
}

}  // namespace tern
