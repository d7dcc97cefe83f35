#include "modules/negotiation/variant_meta.h"

#include "modules/mime/mime_dir.h"
#include "modules/registry.h"

namespace tern {

namespace modules {
extern const Module mime_module;
}

VariantMeta describe_variant(const DirConfigs* dir, const MimeTable& types, std::string_view name) {
  static const int index = module_index(modules::mime_module);
  const MimeDirConfig* conf = dir != nullptr ? dir_config<MimeDirConfig>(*dir, index) : nullptr;
  std::vector<std::string_view> exceptions;
  VariantMeta meta;
  const MimeDecision d = find_content_type(conf, types, name, &exceptions, &meta.found_metadata);
  meta.content_type.assign(d.meta.type);
  meta.encoding.assign(d.meta.encoding);
  meta.handler = d.handler;
  // mod_mime joins the languages with ","; negotiation compares each one.
  std::string_view langs = d.meta.language;
  while (!langs.empty()) {
    const size_t comma = langs.find(',');
    std::string_view lang = langs.substr(0, comma);
    langs = comma == std::string_view::npos ? std::string_view() : langs.substr(comma + 1);
    while (!lang.empty() && lang.front() == ' ') lang.remove_prefix(1);
    while (!lang.empty() && lang.back() == ' ') lang.remove_suffix(1);
    if (!lang.empty()) meta.languages.emplace_back(lang);
  }
  meta.exceptions.assign(exceptions.begin(), exceptions.end());
  return meta;
}

}  // namespace tern
