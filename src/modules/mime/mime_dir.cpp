#include "modules/mime/mime_dir.h"

#include <array>

#include "config/config_values.h"
#include "http/char_class.h"

namespace tern {

namespace {

// The extension as httpd keys it: lower case, one leading dot dropped.
std::string ext_key(std::string_view e) {
  if (!e.empty() && e.front() == '.') e.remove_prefix(1);
  return cfg::to_lower(e);
}

// httpd's remove_items: the attribute a Remove* names becomes "" (set or not, mapped or
// not: RemoveType then hides mime.types' type too).
void apply_removes(const std::vector<std::pair<std::string, MimeAttr>>& removes,
                   std::map<std::string, MimeExtInfo, std::less<>>& ext) {
  for (const auto& [name, a] : removes) {
    mime_attr(ext[name], a).emplace();
  }
}

// A thread's buffers for values that combine several parts.
struct FindScratch {
  std::string type;
  std::string encoding;
  std::string language;
};

FindScratch& scratch() {
  thread_local FindScratch s;
  return s;
}

// Appends `part` to a `sep`-joined list held in `view` (copied to `buf` on the second).
void append_list(std::string_view& view, std::string& buf, std::string_view part,
                 std::string_view sep) {
  if (view.empty()) {
    view = part;
    return;
  }
  if (view.data() != buf.data()) buf.assign(view);
  buf.append(sep);
  buf.append(part);
  view = buf;
}

// One extension's contribution (key lower-cased) to `d`, as httpd's find_ct loop body;
// true when it set a type, charset, language or encoding (httpd's "found").
bool apply_extension(const MimeDirConfig* conf, const MimeTable& table, std::string_view lk,
                     MimeDecision& d, std::string_view& charset, FindScratch& s) {
  const MimeExtInfo* info = nullptr;
  if (conf != nullptr && !conf->ext.empty()) {
    auto it = conf->ext.find(lk);
    if (it != conf->ext.end()) info = &it->second;
  }
  bool found = false;
  if (info == nullptr || !info->type) {
    std::string_view t = table.lookup_lower_extension(lk);
    if (!t.empty()) {
      d.meta.type = t;
      found = true;
    }
  }
  if (info == nullptr) return found;
  if (info->type && !info->type->empty()) {
    d.meta.type = *info->type;
    found = true;
  }
  if (info->charset && !info->charset->empty()) {
    charset = *info->charset;
    found = true;
  }
  if (info->language && !info->language->empty()) {
    append_list(d.meta.language, s.language, *info->language, ",");  // apr_array_pstrcat
    found = true;
  }
  if (info->encoding && !info->encoding->empty()) {
    append_list(d.meta.encoding, s.encoding, *info->encoding, ", ");
    found = true;
  }
  if (info->handler && !info->handler->empty()) d.handler = *info->handler;
  return found;
}

// `type` with its charset parameter (if any) replaced by `charset` (httpd's analyze_ct
// rewrite, for the common "type/sub[; params]" form), written to `out`.
std::string_view with_charset(std::string_view type, std::string_view charset, std::string& out) {
  out.clear();
  size_t semi = type.find(';');
  out.append(type.substr(0, semi));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  while (semi != std::string_view::npos) {
    const size_t next = type.find(';', semi + 1);
    std::string_view param =
        type.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1);
    while (!param.empty() && (param.front() == ' ' || param.front() == '\t'))
      param.remove_prefix(1);
    const bool is_charset = cfg::iequals(param.substr(0, 8), "charset=");
    if (!is_charset && !param.empty()) {
      out.append("; ");
      out.append(param);
    }
    semi = next;
  }
  out.append("; charset=");
  out.append(charset);
  return out;
}

}  // namespace

std::optional<std::string>& mime_attr(MimeExtInfo& info, MimeAttr a) {
  switch (a) {
    case MimeAttr::kType:
      return info.type;
    case MimeAttr::kEncoding:
      return info.encoding;
    case MimeAttr::kLanguage:
      return info.language;
    case MimeAttr::kCharset:
      return info.charset;
    case MimeAttr::kHandler:
      break;
  }
  return info.handler;
}

void MimeDirConfig::add(MimeAttr a, std::string_view extension, std::string_view value) {
  const std::string key = ext_key(extension);
  std::optional<std::string>& v = mime_attr(ext[key], a);
  v = cfg::to_lower(value);
  // httpd applies a scope's removals after all its additions (at merge).
  for (const auto& [name, attr] : removes)
    if (name == key) mime_attr(ext[key], attr).emplace();
}

void MimeDirConfig::remove(MimeAttr a, std::string_view extension) {
  removes.emplace_back(ext_key(extension), a);
  apply_removes({removes.back()}, ext);
}

std::unique_ptr<ModuleConfig> MimeDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const MimeDirConfig&>(add_base);
  auto merged = std::make_unique<MimeDirConfig>(*this);
  merged->removes = add.removes;
  // overlay_extension_mappings: what add sets replaces base's, attribute by attribute.
  for (const auto& [name, info] : add.ext) {
    MimeExtInfo& m = merged->ext[name];
    if (info.type) m.type = info.type;
    if (info.encoding) m.encoding = info.encoding;
    if (info.language) m.language = info.language;
    if (info.charset) m.charset = info.charset;
    if (info.handler) m.handler = info.handler;
  }
  apply_removes(add.removes, merged->ext);
  if (add.default_language) merged->default_language = add.default_language;
  return merged;
}

MimeDecision find_content_type(const MimeDirConfig* conf, const MimeTable& table,
                               std::string_view filename, std::vector<std::string_view>* exceptions,
                               bool* found_metadata) {
  MimeDecision d;
  const size_t slash = filename.rfind('/');
  std::string_view fn = slash == std::string_view::npos ? filename : filename.substr(slash + 1);
  // The base name (leading dots are part of it: ".png" is a hidden file) is no extension.
  size_t i = 0;
  while (i < fn.size() && fn[i] == '.') ++i;
  const size_t dot = fn.find('.', i);
  if (exceptions != nullptr) exceptions->push_back(fn.substr(0, dot));
  if (found_metadata != nullptr) *found_metadata = false;
  fn = dot == std::string_view::npos ? std::string_view() : fn.substr(dot + 1);
  FindScratch& s = scratch();
  std::string_view charset;
  std::array<char, 64> key_buf;
  std::string long_key;
  while (!fn.empty()) {
    const size_t next = fn.find('.');
    std::string_view ext = fn.substr(0, next);
    fn = next == std::string_view::npos ? std::string_view() : fn.substr(next + 1);
    if (ext.empty()) continue;  // "bad..html"
    // httpd's "found": the extension set metadata (a handler alone does not count).
    // Any length: an AddType may name a long extension.
    const std::string_view key = chars::lower_into(ext, key_buf, long_key);
    const bool found = apply_extension(conf, table, key, d, charset, s);
    if (found) {
      if (found_metadata != nullptr) *found_metadata = true;
    } else if (exceptions != nullptr) {
      exceptions->push_back(ext);
    }
  }
  if (!charset.empty() && !d.meta.type.empty())
    d.meta.type = with_charset(d.meta.type, charset, s.type);
  if (d.meta.language.empty() && conf != nullptr && conf->default_language)
    d.meta.language = *conf->default_language;
  return d;
}

}  // namespace tern
