#include "modules/alias/alias_map.h"

namespace tern {

namespace {

constexpr size_t kMaxFilename = 8192;  // httpd's ap_pregsub bound for a substituted path

}  // namespace

size_t alias_matches(std::string_view uri, std::string_view fake) {
  size_t a = 0, u = 0;
  while (a < fake.size()) {
    if (fake[a] == '/') {
      if (u >= uri.size() || uri[u] != '/') return 0;
      while (a < fake.size() && fake[a] == '/') ++a;
      while (u < uri.size() && uri[u] == '/') ++u;
    } else {
      if (u >= uri.size() || uri[u] != fake[a]) return 0;
      ++u;
      ++a;
    }
  }
  if (fake.empty()) return 0;
  if (fake.back() != '/' && u < uri.size() && uri[u] != '/') return 0;
  return u;
}

bool map_alias(const std::vector<ScriptAliasSpec>& aliases, std::string_view url_path,
               AliasMapping* out) {
  for (const ScriptAliasSpec& a : aliases) {
    if (a.regex) {
      RegexCapture caps[10];
      int failure = 0;
      RegexResult r = a.regex->match(url_path, caps, &failure);
      if (r == RegexResult::kNoMatch) continue;
      out->alias = &a;
      out->context_prefix = {};
      out->context_root = {};
      out->filename.clear();
      out->status = 0;
      if (r == RegexResult::kFailed ||
          !regex_substitute(a.target, url_path, caps, &out->filename, kMaxFilename)) {
        out->status = 500;
      }
      return true;
    }
    size_t l = alias_matches(url_path, a.url);
    if (l == 0) continue;
    out->alias = &a;
    out->filename.assign(a.target);
    out->filename.append(url_path.substr(l));
    out->context_prefix = a.url;
    out->context_root = a.target;
    out->status = 0;
    return true;
  }
  return false;
}

}  // namespace tern
