#include "modules/negotiation/variant_meta.h"

#include <map>

#include "config/dir_scope.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

namespace modules {
extern const Module mime_module;
}

namespace {

// Interim: the extension mappings of AddLanguage/AddEncoding/AddCharset of one scope
// (replaced by branch mime's MimeDirConfig).
struct InterimMimeDirConfig final : ModuleConfig {
  struct Ext {
    std::string language, encoding, charset;
  };
  std::map<std::string, Ext, std::less<>> ext;  // lower-case extension, no dot
  // httpd's merge_mime_dir_configs for these attributes: add's over base's.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add_base) const override {
    const auto& add = static_cast<const InterimMimeDirConfig&>(add_base);
    auto merged = std::make_unique<InterimMimeDirConfig>(*this);
    for (const auto& [name, e] : add.ext) {
      Ext& m = merged->ext[name];
      if (!e.language.empty()) m.language = e.language;
      if (!e.encoding.empty()) m.encoding = e.encoding;
      if (!e.charset.empty()) m.charset = e.charset;
    }
    return merged;
  }
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Add*: `value ext...` (httpd's add_extension_info: both lower-cased, a leading dot dropped).
std::string add_mapping(cfg::BuildState& st, const cfg::Cmd& c,
                        std::string InterimMimeDirConfig::Ext::*field) {
  auto& conf = cfg::dir_scope<InterimMimeDirConfig>(st, modules::mime_module);
  const std::string value = lower(c.args[0].text);
  for (size_t i = 1; i < c.args.size(); ++i) {
    std::string ext = lower(c.args[i].text);
    if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
    if (ext.empty()) return "empty file extension";
    conf.ext[ext].*field = value;
  }
  return "";
}

}  // namespace

namespace cfg {
std::string set_interim_add_language(BuildState& st, const Cmd& c) {
  return add_mapping(st, c, &InterimMimeDirConfig::Ext::language);
}
std::string set_interim_add_encoding(BuildState& st, const Cmd& c) {
  return add_mapping(st, c, &InterimMimeDirConfig::Ext::encoding);
}
std::string set_interim_add_charset(BuildState& st, const Cmd& c) {
  return add_mapping(st, c, &InterimMimeDirConfig::Ext::charset);
}
}  // namespace cfg

VariantMeta describe_variant(const DirConfigs* dir, const MimeTable& types, std::string_view name) {
  const InterimMimeDirConfig* conf =
      dir != nullptr ? dir_config<InterimMimeDirConfig>(*dir, module_index(modules::mime_module))
                     : nullptr;
  VariantMeta meta;
  std::string type, charset;
  // httpd's find_ct: the base name, then each non-empty extension in turn.
  size_t dot = name.find('.');
  meta.exceptions.emplace_back(name.substr(0, dot));
  while (dot != std::string_view::npos) {
    const size_t start = dot + 1;
    dot = name.find('.', start);
    const std::string_view ext =
        name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (ext.empty()) continue;
    const std::string key = lower(ext);
    bool found = false;
    const std::string_view t = types.lookup("." + key);
    if (!t.empty()) {
      type = std::string(t);
      found = true;
    }
    if (conf != nullptr) {
      if (auto it = conf->ext.find(key); it != conf->ext.end()) {
        const InterimMimeDirConfig::Ext& e = it->second;
        if (!e.language.empty()) {
          meta.languages.push_back(e.language);
          found = true;
        }
        if (!e.encoding.empty()) {
          if (!meta.encoding.empty()) meta.encoding.append(", ");
          meta.encoding.append(e.encoding);
          found = true;
        }
        if (!e.charset.empty()) {
          charset = e.charset;
          found = true;
        }
      }
    }
    if (found)
      meta.found_metadata = true;
    else
      meta.exceptions.emplace_back(ext);
  }
  meta.content_type = type;
  if (!type.empty() && !charset.empty() && type.find("charset=") == std::string::npos)
    meta.content_type.append("; charset=").append(charset);
  return meta;
}

}  // namespace tern
