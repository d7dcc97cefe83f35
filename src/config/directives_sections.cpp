// <Directory>, <DirectoryMatch>, <Files>, <FilesMatch> and AccessFileName (core): the
// per-directory sections of the file system, as httpd's dirsection and filesection.

#include "config/config_values.h"
#include "config/directive_setters.h"
#include "modules/if_expr.h"

namespace tern::cfg {

namespace {

// True when `p` has an fnmatch wildcard (httpd's apr_fnmatch_test).
bool has_wildcard(std::string_view p) {
  return p.find_first_of("*?[") != std::string_view::npos;
}

// The pattern of a section's arguments: `path`, or `~ regex` (*regex set).
std::string section_pattern(const Cmd& c, bool* regex) {
  if (c.args.size() == 2) {
    if (c.args[0].text != "~") return "";
    *regex = true;
    return c.args[1].text;
  }
  return c.args[0].text;
}

std::string open_directory_section(BuildState& st, const Cmd& c, bool regex) {
  std::string path = section_pattern(c, &regex);
  if (path.empty()) return "takes one argument, or ~ and a regular expression";
  if (!regex) {
    if (path.starts_with("proxy:"))
      return "<Directory " + shorten(path) + "> (a proxy section) is not supported by tern";
    if (path.front() != '/')
      return "<Directory \"" + shorten(path) + "\"> path is invalid (it must be absolute)";
    // httpd keeps a directory with a trailing slash, so that "/var/www/" matches at a
    // component boundary ("/var/www2" is another directory).
    if (path.back() != '/') path += '/';
  }
  return begin_section(st, c, SectionKind::kDirectory, std::move(path), regex);
}

std::string open_files_section(BuildState& st, const Cmd& c, bool regex) {
  std::string name = section_pattern(c, &regex);
  if (name.empty()) return "takes one argument, or ~ and a regular expression";
  return begin_section(st, c, SectionKind::kFiles, std::move(name), regex);
}

}  // namespace

bool section_has_wildcard(const SectionSpec& s) {
  return !s.is_regex && has_wildcard(s.pattern);
}

std::string open_directory(BuildState& st, const Cmd& c) {
  return open_directory_section(st, c, false);
}

std::string open_directory_match(BuildState& st, const Cmd& c) {
  if (c.args.size() != 1) return "takes one argument";
  return open_directory_section(st, c, true);
}

std::string open_files(BuildState& st, const Cmd& c) {
  return open_files_section(st, c, false);
}

std::string open_files_match(BuildState& st, const Cmd& c) {
  if (c.args.size() != 1) return "takes one argument";
  return open_files_section(st, c, true);
}

std::string close_section(BuildState& st, const Cmd&) {
  return end_section(st);
}

namespace {

// <If>, <ElseIf> (kind 1), <Else> (kind 2): httpd's ifsection.
std::string open_condition(BuildState& st, const Cmd& c, int kind) {
  const int scope = st.current_location;
  int prev = -1;
  if (kind != 0) {
    auto it = st.last_if.find(scope);
    if (it == st.last_if.end() ||
        (st.cfg.sections[static_cast<size_t>(it->second)].condition == nullptr))
      return "<Else> or <ElseIf> section without previous <If> or <ElseIf> section in same "
             "scope";
    prev = it->second;
  }
  std::shared_ptr<const IfExpr> expr;
  if (kind != 2) {
    std::string why;
    expr = IfExpr::parse(c.args[0].text, &why);
    if (!expr) return "Cannot parse condition clause: " + why;
  }
  if (scope >= 0 && st.cfg.sections[static_cast<size_t>(scope)].kind == SectionKind::kIf)
    return "<If> inside <If> is not supported by tern";
  std::string err =
      begin_section(st, c, SectionKind::kIf, c.args.empty() ? "" : c.args[0].text, false);
  if (!err.empty()) return err;
  SectionSpec& s = st.cfg.sections[static_cast<size_t>(st.current_location)];
  s.condition = std::move(expr);
  s.else_of = prev;
  st.last_if[scope] = st.current_location;
  return "";
}

}  // namespace

std::string open_if(BuildState& st, const Cmd& c) {
  return open_condition(st, c, 0);
}

std::string open_else_if(BuildState& st, const Cmd& c) {
  return open_condition(st, c, 1);
}

std::string open_else(BuildState& st, const Cmd& c) {
  return open_condition(st, c, 2);
}

std::string set_access_file_name(BuildState& st, const Cmd& c) {
  st.cfg.access_file_names.clear();
  for (const Word& w : c.args) {
    if (w.text.find('/') != std::string::npos)
      return "AccessFileName '" + shorten(w.text) + "' must be a file name, not a path";
    st.cfg.access_file_names.push_back(w.text);
  }
  return "";
}

}  // namespace tern::cfg
