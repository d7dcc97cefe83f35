#include "modules/autoindex_text.h"

#include "http/char_class.h"

#include <cstdio>

namespace tern::autoindex {

namespace {

using chars::to_lower;

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// 0 match, 1 no match, -1 abort: httpd's recursion, with the string's end as '\0'.
int match(std::string_view s, size_t x, std::string_view p, size_t y, bool nocase) {
  for (; y < p.size(); ++y, ++x) {
    if (p[y] == '*') {
      while (++y < p.size() && p[y] == '*') {
      }
      if (y == p.size()) return 0;
      while (x < s.size()) {
        const int ret = match(s, x++, p, y, nocase);
        if (ret != 1) return ret;
      }
      return -1;
    }
    if (x >= s.size()) return -1;
    if (p[y] != '?' && (nocase ? to_lower(s[x]) != to_lower(p[y]) : s[x] != p[y])) return 1;
  }
  return x < s.size() ? 1 : 0;
}

// The byte at `i`, or '\0' past the end (C strings' view of the names).
char at(std::string_view s, size_t i) {
  return i < s.size() ? s[i] : '\0';
}

int compare_right(std::string_view a, size_t ai, std::string_view b, size_t bi) {
  int bias = 0;
  for (;; ++ai, ++bi) {
    const char ca = at(a, ai), cb = at(b, bi);
    if (!is_digit(ca) && !is_digit(cb)) return bias;
    if (!is_digit(ca)) return -1;
    if (!is_digit(cb)) return +1;
    if (ca < cb) {
      if (bias == 0) bias = -1;
    } else if (ca > cb) {
      if (bias == 0) bias = +1;
    }
  }
}

int compare_left(std::string_view a, size_t ai, std::string_view b, size_t bi) {
  for (;; ++ai, ++bi) {
    const char ca = at(a, ai), cb = at(b, bi);
    if (!is_digit(ca) && !is_digit(cb)) return 0;
    if (!is_digit(ca)) return -1;
    if (!is_digit(cb)) return +1;
    if (ca < cb) return -1;
    if (ca > cb) return +1;
  }
}

}  // namespace

bool wildcard_match(std::string_view str, std::string_view pattern, bool nocase) {
  return match(str, 0, pattern, 0, nocase) == 0;
}

bool is_matchexp(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos;
}

std::string format_size(int64_t size) {
  static constexpr char kOrders[] = "KMGTPE";
  char buf[32];
  // APR prints into 5 bytes: at most 4 characters.
  auto four = [&] { return std::string(buf).substr(0, 4); };
  if (size < 0) return "  - ";
  if (size < 973) {
    std::snprintf(buf, sizeof(buf), "%3d ", static_cast<int>(size));
    return four();
  }
  const char* o = kOrders;
  for (;;) {
    int remain = static_cast<int>(size & 1023);
    size >>= 10;
    if (size >= 973) {
      ++o;
      continue;
    }
    if (size < 9 || (size == 9 && remain < 973)) {
      if ((remain = ((remain * 5) + 256) / 512) >= 10) {
        ++size;
        remain = 0;
      }
      std::snprintf(buf, sizeof(buf), "%d.%d%c", static_cast<int>(size), remain, *o);
      return four();
    }
    if (remain >= 512) ++size;
    std::snprintf(buf, sizeof(buf), "%3d%c", static_cast<int>(size), *o);
    return four();
  }
}

void append_os_escaped_path(std::string& out, std::string_view path, bool partial) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr std::string_view kSafe = "$-_.+!*'(),:;@&=/~";
  if (!partial) {
    const size_t colon = path.find(':');
    if (colon != std::string_view::npos && colon < path.find('/')) out.append("./");
  }
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
    if (alnum || kSafe.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
}

int natural_compare(std::string_view a, std::string_view b, bool fold_case) {
  size_t ai = 0, bi = 0;
  for (;;) {
    char ca = at(a, ai), cb = at(b, bi);
    while (is_space(ca)) ca = at(a, ++ai);
    while (is_space(cb)) cb = at(b, ++bi);
    if (is_digit(ca) && is_digit(cb)) {
      const bool fractional = ca == '0' || cb == '0';
      const int result = fractional ? compare_left(a, ai, b, bi) : compare_right(a, ai, b, bi);
      if (result != 0) return result;
    }
    if (ca == '\0' && cb == '\0') return 0;
    if (fold_case) {
      ca = upper(ca);
      cb = upper(cb);
    }
    if (ca < cb) return -1;
    if (ca > cb) return +1;
    ++ai;
    ++bi;
  }
}

int byte_compare(std::string_view a, std::string_view b, bool fold_case) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    auto ca = static_cast<unsigned char>(fold_case ? to_lower(a[i]) : a[i]);
    auto cb = static_cast<unsigned char>(fold_case ? to_lower(b[i]) : b[i]);
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace tern::autoindex
