#include "modules/core_content_type.h"

#include <string>

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "http/request.h"
#include "modules/core_dir.h"
#include "modules/dir_configs.h"

namespace tern::modules {
extern const Module core_module;
}  // namespace tern::modules

namespace tern::cfg {

std::string set_force_type(BuildState& st, const Cmd& c) {
  dir_scope<CoreDirConfig>(st, modules::core_module).force_type = to_lower(c.args[0].text);
  return "";
}

std::string set_add_default_charset(BuildState& st, const Cmd& c) {
  const std::string& a = c.args[0].text;
  CoreDirConfig& conf = dir_scope<CoreDirConfig>(st, modules::core_module);
  if (iequals(a, "Off")) {
    conf.default_charset = "";
  } else if (iequals(a, "On")) {
    conf.default_charset = "iso-8859-1";  // httpd's DEFAULT_ADD_DEFAULT_CHARSET_NAME
  } else {
    conf.default_charset = a;
  }
  return "";
}

}  // namespace tern::cfg

namespace tern {

namespace {

const CoreDirConfig* core_conf(const DirConfigs& dir) {
  static const int index = module_index(modules::core_module);
  return dir_config<CoreDirConfig>(dir, index);
}

}  // namespace

std::string_view dir_force_type(const DirConfigs& dir) {
  const CoreDirConfig* c = core_conf(dir);
  if (c == nullptr || !c->force_type || *c->force_type == "none") return {};
  return *c->force_type;
}

std::string_view dir_default_charset(const DirConfigs& dir) {
  const CoreDirConfig* c = core_conf(dir);
  return c != nullptr && c->default_charset ? std::string_view(*c->default_charset)
                                            : std::string_view();
}

std::string_view add_default_charset(std::string_view type, std::string_view charset,
                                     std::string& buf) {
  if (type.empty() || charset.empty() || contains_nocase(type, "charset=")) return type;
  if (!contains_nocase(type, "text/plain") && !contains_nocase(type, "text/html")) return type;
  buf.assign(type);
  buf.append("; charset=");
  buf.append(charset);
  return buf;
}

std::string_view make_content_type(const DirConfigs& dir, std::string_view type) {
  const std::string_view charset = dir_default_charset(dir);
  if (charset.empty()) return type;
  thread_local std::string buf;
  return add_default_charset(type, charset, buf);
}

}  // namespace tern
