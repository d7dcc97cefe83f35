// filter_module (mod_filter.c): AddOutputFilterByType, which tern supports for the DEFLATE
// filter (mod_deflate). Also the setters of the two other ways httpd configures an output
// filter by name, for DEFLATE only: core's SetOutputFilter and mod_mime's AddOutputFilter
// (rows in core.cpp and mod_mime.cpp).

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "modules/deflate/deflate_config.h"
#include "modules/deflate/filter_directives.h"
#include "modules/registry.h"

namespace tern {

std::unique_ptr<ModuleConfig> FilterDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const FilterDirConfig&>(add_base);
  auto m = std::make_unique<FilterDirConfig>(*this);
  if (add.by_type) m->by_type = add.by_type;
  if (add.set_deflate) m->set_deflate = add.set_deflate;
  for (const auto& [ext, deflate] : add.by_ext) {
    bool found = false;
    for (auto& [e, d] : m->by_ext) {
      if (e == ext) {
        d = deflate;
        found = true;
      }
    }
    if (!found) m->by_ext.emplace_back(ext, deflate);
  }
  return m;
}

namespace modules {

extern const Module filter_module;  // defined below, listed in registry.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "filter_module";

FilterDirConfig& scope(BuildState& st) {
  return dir_scope<FilterDirConfig>(st, filter_module);
}

// A filter list "A;B" as SetOutputFilter and AddOutputFilter take it: "" when it names
// DEFLATE only, else the refusal.
std::string check_filters(const std::string& list) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(';', pos);
    if (end == std::string::npos) end = list.size();
    const std::string name = list.substr(pos, end - pos);
    if (!name.empty() && !cfg::iequals(name, "DEFLATE"))
      return "filter '" + name + "' is not supported by tern (only DEFLATE, mod_deflate's)";
    pos = end + 1;
  }
  return "";
}

std::string set_by_type(BuildState& st, const Cmd& c) {
  const std::string& fname = c.args[0].text;
  if (!cfg::iequals(fname, "DEFLATE")) {
    // httpd: "Unknown filter provider FOO" for a filter no module registered.
    return "Unknown filter provider " + fname +
           " (tern's AddOutputFilterByType supports only DEFLATE)";
  }
  FilterDirConfig& f = scope(st);
  // A scope's own AddOutputFilterByType lines add up; they replace an outer scope's.
  if (!f.by_type) f.by_type.emplace();
  for (size_t i = 1; i < c.args.size(); ++i) {
    // httpd splits each argument at commas too.
    const std::string& arg = c.args[i].text;
    size_t pos = 0;
    while (pos <= arg.size()) {
      size_t end = arg.find(',', pos);
      if (end == std::string::npos) end = arg.size();
      if (end > pos) f.by_type->push_back(arg.substr(pos, end - pos));
      pos = end + 1;
    }
  }
  return "";
}

const DirectiveSpec kDirectives[] = {
    {"AddOutputFilterByType", kCtxServer | kCtxDir, Args::kIterate2, set_by_type,
     "output filter name followed by one or more content-types", kMod, kOverrideFileInfo},
};

}  // namespace

const Module filter_module{
    .name = kMod,
    .source = "mod_filter.c",
    .directives = kDirectives,
};

}  // namespace modules

namespace cfg {

std::string set_output_filter(BuildState& st, const Cmd& c) {
  std::string err = modules::check_filters(c.args[0].text);
  if (!err.empty()) return err;
  modules::scope(st).set_deflate = c.args[0].text.find_first_not_of(';') != std::string::npos;
  return "";
}

std::string add_output_filter(BuildState& st, const Cmd& c) {
  std::string err = modules::check_filters(c.args[0].text);
  if (!err.empty()) return err;
  const bool deflate = c.args[0].text.find_first_not_of(';') != std::string::npos;
  FilterDirConfig& f = modules::scope(st);
  for (size_t i = 1; i < c.args.size(); ++i) {
    std::string ext = to_lower(c.args[i].text);
    if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);
    bool found = false;
    for (auto& [e, d] : f.by_ext) {
      if (e == ext) {
        d = deflate;
        found = true;
      }
    }
    if (!found) f.by_ext.emplace_back(ext, deflate);
  }
  return "";
}

}  // namespace cfg
}  // namespace tern
