// libFuzzer target: tern::parse_target then tern::resolve_path on arbitrary request-targets.
//
// Input layout: byte 0 picks the method kind (bit 0 CONNECT, bit 1 OPTIONS) and the document
// root (bits 2-3); the rest is the request-target. Every input is also resolved as a raw
// path, whether parse_target accepts it or not.
// Checks: parse_target's parts are views of the target; resolve_path answers 0, 400 or 404,
// clears both outputs on an error, and on success gives a path that starts with '/', has no
// "", "." or ".." segment inside, no NUL, and fs_path == root + url_path (so it never leaves
// DocumentRoot); it agrees with a naive segment-stack resolver; resolving the escaped result
// (append_escaped_path) gives it back unchanged; and append_escaped_path emits only
// unreserved, sub-delim, ':', '@', '/' and %XX.
// Built by -DTERN_FUZZ=ON (see README).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/path_resolve.h"
#include "http/target.h"

namespace {

void check(bool ok, const char* what, std::string_view detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "path_resolve invariant broken: %s\n%.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The specification, written plainly: decode (a raw NUL or a bad escape is 400; %2F and %00
// are 404 unless a 400 follows), then
// resolve segments on a stack; a trailing "", "." or ".." keeps a trailing slash.
int reference(std::string_view raw, std::string& out) {
  out.clear();
  if (raw.empty() || raw[0] != '/') return 400;
  std::string dec;
  bool not_found = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\0') return 400;
    if (raw[i] != '%') {
      dec += raw[i];
      continue;
    }
    if (i + 2 >= raw.size() || hex(raw[i + 1]) < 0 || hex(raw[i + 2]) < 0) return 400;
    const char c = static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
    not_found |= c == '/' || c == '\0';
    dec += c;
    i += 2;
  }
  if (not_found) return 404;
  std::vector<std::string> stack;
  std::string last;
  size_t pos = 1;
  while (true) {
    const size_t slash = dec.find('/', pos);
    last = dec.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (last == "..") {
      if (stack.empty()) return 400;
      stack.pop_back();
    } else if (!last.empty() && last != ".") {
      stack.push_back(last);
    }
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  for (const std::string& s : stack) out += "/" + s;
  if (out.empty() || last.empty() || last == "." || last == "..") out += '/';
  return 0;
}

bool escaped_ok(std::string_view e) {
  for (size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    if (c == '%') {
      if (i + 2 >= e.size() || hex(e[i + 1]) < 0 || hex(e[i + 2]) < 0) return false;
      i += 2;
      continue;
    }
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("/-._~!$&'()*+,;=:@").find(c) == std::string_view::npos)
      return false;
  }
  return true;
}

void check_resolve(std::string_view raw, std::string_view root) {
  std::string fs = "stale", url = "stale";
  const int status = tern::resolve_path(raw, root, fs, url);
  check(status == 0 || status == 400 || status == 404, "unexpected status", raw);
  std::string ref;
  const int ref_status = reference(raw, ref);
  check(status == ref_status, "status differs from the reference resolver", raw);
  if (status != 0) {
    check(fs.empty() && url.empty(), "outputs left set on an error", raw);
    return;
  }
  check(url == ref, "path differs from the reference resolver", raw);
  check(!url.empty() && url[0] == '/', "result does not start with '/'", raw);
  check(url.find('\0') == std::string::npos, "NUL in the result", raw);
  check(url.find("//") == std::string::npos, "empty segment in the result", raw);
  check(url.find("/./") == std::string::npos && !url.ends_with("/."), "'.' segment survives", raw);
  check(url.find("/../") == std::string::npos && !url.ends_with("/.."), "'..' segment survives",
        raw);
  check(fs.size() == root.size() + url.size() && fs.starts_with(root) && fs.ends_with(url),
        "fs_path is not root + url_path", raw);

  std::string esc;
  tern::append_escaped_path(esc, url);
  check(escaped_ok(esc), "append_escaped_path left a character unescaped", esc);
  std::string fs2, url2;
  check(tern::resolve_path(esc, root, fs2, url2) == 0 && url2 == url && fs2 == fs,
        "resolving the escaped result is not idempotent", esc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static constexpr std::string_view kRoots[] = {"/srv/www", "/var/www/html", "/tmp/a b%2e..", "/x"};
  const bool is_connect = data[0] & 1, is_options = data[0] & 2;
  const std::string_view root = kRoots[(data[0] >> 2) & 3];
  const std::string_view target(reinterpret_cast<const char*>(data + 1), size - 1);

  check_resolve(target, root);
  tern::ParsedTarget t;
  if (!tern::parse_target(target, is_connect, is_options, t)) return 0;
  auto inside = [&](std::string_view v) {
    return v.empty() ||
           (v.data() >= target.data() && v.data() + v.size() <= target.data() + target.size());
  };
  check(inside(t.path) || t.path == "/", "path is not a view of the target", target);
  check(inside(t.query) && inside(t.authority), "part is not a view of the target", target);
  check(t.query.empty() || t.has_query, "query without has_query", target);
  check(t.path.find('?') == std::string_view::npos || t.form == tern::TargetForm::kAuthority,
        "'?' left in the path", target);
  check(t.form != tern::TargetForm::kAuthority || is_connect, "authority-form without CONNECT",
        target);
  check(t.form != tern::TargetForm::kAsterisk || is_options, "asterisk-form without OPTIONS",
        target);
  if (t.form == tern::TargetForm::kOrigin || t.form == tern::TargetForm::kAbsolute) {
    check(!t.path.empty() && t.path[0] == '/', "origin/absolute path without '/'", target);
    check_resolve(t.path, root);
  }
  return 0;
}
