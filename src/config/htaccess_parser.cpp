#include "config/htaccess_parser.h"

#include "config/config_parser.h"
#include "config/directive_setters.h"

namespace tern {

bool parse_htaccess(std::string_view text, const std::string& path, const std::string& dir,
                    const Config& server, const HtaccessLimits& limits, HtaccessSpec* out,
                    std::string* error) {
  cfg::BuildState st;
  st.server_root = server.server_root;
  st.modules = cfg::ModuleSet::from_result(server.active_modules);
  // <IfDefine> and ${NAME} see the server's parameters, as httpd's .htaccess does.
  st.defines = server.defines;
  st.vars = server.define_vars;
  st.in_htaccess = true;
  st.htaccess_allow = limits.allow_override;
  if (limits.override_list != nullptr) st.htaccess_override_list = *limits.override_list;
  st.htaccess_override_opts = limits.override_opts;
  // The file is a section of its own, current from the first line on.
  SectionSpec self;
  self.kind = SectionKind::kHtaccess;
  self.pattern = dir;
  self.file = path;
  self.line = 1;
  st.cfg.sections.push_back(std::move(self));
  st.section_stack.push_back(-1);
  st.requires_stack.emplace_back();
  st.current_location = 0;
  cfg::ConfigParser parser(st);
  parser.parse_text(text, path);
  if (!st.errors.empty()) {
    *error = st.errors.front();
    return false;
  }
  cfg::end_section(st);
  out->sections = std::move(st.cfg.sections);
  return true;
}

}  // namespace tern
