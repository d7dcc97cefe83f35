#include "http/path_resolve.h"

#include <algorithm>

namespace tern {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` into `out`. Returns 0, 400 (bad escape, raw NUL) or 404 (%2F or %00).
int percent_decode(std::string_view in, std::string& out) {
  int status = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    // The bytes up to the next escape go at once (most paths have none).
    const size_t pct = std::min(in.find('%', i), in.size());
    const std::string_view run = in.substr(i, pct - i);
    // A raw NUL would cut fs_path short at open(); parse_target never passes one.
    if (run.find('\0') != std::string_view::npos) return 400;
    out.append(run);
    i = pct;
    if (i == in.size()) break;
    if (i + 2 >= in.size()) return 400;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return 400;
    char d = static_cast<char>(hi * 16 + lo);
    // httpd keeps decoding to report a bad escape (400) in preference to 404.
    if (d == '/' || d == '\0') status = 404;
    out.push_back(d);
    i += 2;
  }
  return status;
}

// Normalises the absolute path in `s` in place. Returns 0 or 400 (".." above root).
int normalize(std::string& s) {
  size_t w = 0;  // output length; out = s[0, w)
  size_t i = 0;
  const size_t n = s.size();
  bool trailing_slash = false;
  while (i < n) {
    // s[i] == '/': skip the run of slashes.
    while (i < n && s[i] == '/') ++i;
    if (i == n) {
      trailing_slash = true;
      break;
    }
    size_t start = i;
    while (i < n && s[i] != '/') ++i;
    size_t len = i - start;
    if (len == 1 && s[start] == '.') {
      trailing_slash = i == n;
      continue;
    }
    if (len == 2 && s[start] == '.' && s[start + 1] == '.') {
      if (w == 0) return 400;
      while (w > 0 && s[w - 1] != '/') --w;
      --w;  // drop the '/' too
      trailing_slash = i == n;
      continue;
    }
    s[w++] = '/';
    for (size_t k = 0; k < len; ++k) s[w++] = s[start + k];
    trailing_slash = false;
  }
  s.resize(w);
  if (trailing_slash || s.empty()) s.push_back('/');
  return 0;
}

// True when `path` (which starts with '/') has no escape, no NUL and no segment that
// normalize() would change: no "//", and no segment that begins with '.' (which covers "."
// and ".."). Most request paths are such, and resolve_path then copies them once.
bool already_normal(std::string_view path) {
  const size_t n = path.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = path[i];
    if (c == '%' || c == '\0') return false;
    if (c == '/' && i + 1 < n && (path[i + 1] == '/' || path[i + 1] == '.')) return false;
  }
  return true;
}

}  // namespace

int resolve_path(std::string_view raw_path, std::string_view document_root, std::string& fs_path,
                 std::string& url_path) {
  fs_path.clear();
  url_path.clear();
  if (raw_path.empty() || raw_path[0] != '/') return 400;
  if (already_normal(raw_path)) {
    url_path.assign(raw_path);  // decoding and normalising would copy it unchanged
  } else {
    int status = percent_decode(raw_path, url_path);
    if (status == 0) status = normalize(url_path);
    if (status != 0) {
      url_path.clear();
      return status;
    }
  }
  fs_path.append(document_root);
  fs_path.append(url_path);
  return 0;
}

void append_escaped_path(std::string& out, std::string_view decoded_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : decoded_path) {
    unsigned char u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                 std::string_view("/-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
    if (plain) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
}

}  // namespace tern
