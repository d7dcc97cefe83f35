#include "log/log_escape.h"

#include <charconv>

namespace tern {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// True when httpd's T_ESCAPE_LOGITEM would escape `c` (ignoring `"` and `\`).
inline bool is_unprintable(unsigned char c) {
  return c < 0x20 || c >= 0x7f;
}

void append_escape(std::string& out, unsigned char c) {
  char buf[4] = {'\\', 0, 0, 0};
  switch (c) {
    case '\b':
      buf[1] = 'b';
      break;
    case '\n':
      buf[1] = 'n';
      break;
    case '\r':
      buf[1] = 'r';
      break;
    case '\t':
      buf[1] = 't';
      break;
    case '\v':
      buf[1] = 'v';
      break;
    case '\\':
    case '"':
      buf[1] = static_cast<char>(c);
      break;
    default:
      out.append("\\x", 2);
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
      return;
  }
  out.append(buf, 2);
}

template <bool kQuotes>
void append_escaped(std::string& out, std::string_view s) {
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool esc = is_unprintable(c) || (kQuotes && (c == '"' || c == '\\'));
    if (!esc) continue;
    out.append(s.data() + run, i - run);
    append_escape(out, c);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

}  // namespace

void append_escaped_logitem(std::string& out, std::string_view s) {
  append_escaped<true>(out, s);
}

void append_escaped_errorlog(std::string& out, std::string_view s) {
  append_escaped<false>(out, s);
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, static_cast<size_t>(res.ptr - buf));
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, static_cast<size_t>(res.ptr - buf));
}

void append_uint_padded(std::string& out, uint64_t v, int width) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  int len = static_cast<int>(res.ptr - buf);
  if (len < width) out.append(static_cast<size_t>(width - len), '0');
  out.append(buf, static_cast<size_t>(len));
}

}  // namespace tern
