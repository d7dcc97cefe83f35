// mime_module (mod_mime.c): content type, charset, language, encoding and handler of a
// file from its name's extensions, per directory (modules/mime/mime_dir.h); TypesConfig
// (the mime.types file) is server-wide.

#include "config/dir_scope.h"
#include "config/directive_setters.h"
#include "modules/deflate/filter_directives.h"
#include "modules/dir_configs.h"
#include "modules/mime/mime_dir.h"
#include "modules/mime/mime_hooks.h"
#include "modules/registry.h"

namespace tern::modules {

extern const Module mime_module;  // defined below, listed in registry.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "mime_module";

MimeDirConfig& scope(BuildState& st) {
  return dir_scope<MimeDirConfig>(st, mime_module);
}

// Add*: the first argument for each extension that follows (httpd's add_extension_info).
template <MimeAttr A>
std::string set_add(BuildState& st, const Cmd& c) {
  MimeDirConfig& conf = scope(st);
  for (size_t i = 1; i < c.args.size(); ++i) conf.add(A, c.args[i].text, c.args[0].text);
  return "";
}

// Remove*: every argument (httpd's remove_extension_info).
template <MimeAttr A>
std::string set_remove(BuildState& st, const Cmd& c) {
  MimeDirConfig& conf = scope(st);
  for (const Word& w : c.args) conf.remove(A, w.text);
  return "";
}

std::string set_add_type_dir(BuildState& st, const Cmd& c) {
  const std::string& type = c.args[0].text;
  const size_t slash = type.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == type.size())
    return "'" + shorten(type) + "' is not a media type (type/subtype)";
  for (size_t i = 1; i < c.args.size(); ++i) {
    std::string_view e = c.args[i].text;
    if (!e.empty() && e.front() == '.') e.remove_prefix(1);
    if (e.empty()) return "empty file extension";
  }
  return set_add<MimeAttr::kType>(st, c);
}

std::string set_default_language(BuildState& st, const Cmd& c) {
  scope(st).default_language = c.args[0].text;
  return "";
}

const DirectiveSpec kDirectives[] = {
    {"TypesConfig", kCtxServer, Args::kTake1, set_types_config,
     "The location of the mime.types file", kMod, kOverrideNone},
    {"AddType", kCtxServer | kCtxDir, Args::kIterate2, set_add_type_dir,
     "Maps the given filename extensions onto the specified content type", kMod, kOverrideFileInfo},
    {"AddOutputFilter", kCtxServer | kCtxDir, Args::kIterate2, add_output_filter,
     "output filter name followed by one or more file extensions", kMod, kOverrideFileInfo},
    {"AddCharset", kCtxServer | kCtxDir, Args::kIterate2, set_add<MimeAttr::kCharset>,
     "Maps the given filename extensions to the specified content charset", kMod,
     kOverrideFileInfo},
    {"AddEncoding", kCtxServer | kCtxDir, Args::kIterate2, set_add<MimeAttr::kEncoding>,
     "Maps the given filename extensions to the specified encoding type", kMod, kOverrideFileInfo},
    {"AddLanguage", kCtxServer | kCtxDir, Args::kIterate2, set_add<MimeAttr::kLanguage>,
     "Maps the given filename extension to the specified content language", kMod,
     kOverrideFileInfo},
    {"AddHandler", kCtxServer | kCtxDir, Args::kIterate2, set_add<MimeAttr::kHandler>,
     "Maps the filename extensions to the specified handler", kMod, kOverrideFileInfo},
    {"RemoveType", kCtxServer | kCtxDir, Args::kIterate, set_remove<MimeAttr::kType>,
     "Removes any content type associations for a set of file extensions", kMod, kOverrideFileInfo},
    {"RemoveCharset", kCtxServer | kCtxDir, Args::kIterate, set_remove<MimeAttr::kCharset>,
     "Removes any character set associations for a set of file extensions", kMod,
     kOverrideFileInfo},
    {"RemoveEncoding", kCtxServer | kCtxDir, Args::kIterate, set_remove<MimeAttr::kEncoding>,
     "Removes any content encoding associations for a set of file extensions", kMod,
     kOverrideFileInfo},
    {"RemoveLanguage", kCtxServer | kCtxDir, Args::kIterate, set_remove<MimeAttr::kLanguage>,
     "Removes any language associations for a set of file extensions", kMod, kOverrideFileInfo},
    {"RemoveHandler", kCtxServer | kCtxDir, Args::kIterate, set_remove<MimeAttr::kHandler>,
     "Removes any handler associations for a set of file extensions", kMod, kOverrideFileInfo},
    {"DefaultLanguage", kCtxServer | kCtxDir, Args::kTake1, set_default_language,
     "Defines a default language-tag to be sent in the Content-Language header field for all "
     "resources in the current context that have not been assigned a language-tag by some "
     "other means",
     kMod, kOverrideFileInfo},
};

}  // namespace

const Module mime_module{
    .name = kMod,
    .source = "mod_mime.c",
    .directives = kDirectives,
};

}  // namespace tern::modules

namespace tern {

int MimeHooks::type_checker(RequestRec& r) const {
  static const int index = module_index(modules::mime_module);
  const MimeDirConfig* conf = r.dir != nullptr ? dir_config<MimeDirConfig>(*r.dir, index) : nullptr;
  MimeDecision d = find_content_type(conf, *table_, r.filename);
  r.content = d.meta;
  if (!d.handler.empty()) r.handler = d.handler;
  return r.content.type.empty() ? kDeclined : kOk;
}

}  // namespace tern
