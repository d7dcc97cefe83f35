// <Directory>, <DirectoryMatch>, <Files>, <FilesMatch> and AccessFileName (core): the
// per-directory sections of the file system, as httpd's dirsection and filesection.

#include "config/config_values.h"
#include "config/directive_setters.h"

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
