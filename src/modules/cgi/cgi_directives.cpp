#include "modules/cgi/cgi_directives.h"

#include <memory>

#include "config/config_values.h"

namespace tern::cfg {

namespace {

// httpd's ap_server_root_relative: a relative path is taken under ServerRoot.
std::string root_relative(const BuildState& st, const std::string& p) {
  if (!p.empty() && p.front() == '/') return p;
  return st.server_root + "/" + p;
}

}  // namespace

std::string set_script_alias(BuildState& st, const Cmd& c) {
  if (c.args[0].text.empty() || c.args[1].text.empty()) return "empty path";
  ScriptAliasSpec a;
  a.url = c.args[0].text;
  a.target = root_relative(st, c.args[1].text);
  a.file = c.file;
  a.line = c.line;
  st.cfg.script_aliases.push_back(std::move(a));
  return "";
}

std::string set_script_alias_match(BuildState& st, const Cmd& c) {
  RegexError e;
  auto re = Regex::compile(c.args[0].text, st.regex_options, &e);
  if (!re) {
    return "invalid regular expression '" + regex_excerpt(c.args[0].text, 64) + "': " + e.message +
           " at offset " + std::to_string(e.offset);
  }
  if (c.args[1].text.empty()) return "empty path";
  ScriptAliasSpec a;
  a.url = c.args[0].text;
  // mod_alias resolves a regex target when a request matches; tern keeps it as written
  // unless it is relative, when it goes under ServerRoot now (same result).
  a.target = root_relative(st, c.args[1].text);
  a.regex = std::make_shared<const Regex>(std::move(*re));
  a.file = c.file;
  a.line = c.line;
  st.cfg.script_aliases.push_back(std::move(a));
  return "";
}

std::string set_cgi_script_timeout(BuildState& st, const Cmd& c) {
  std::chrono::milliseconds t{0};
  std::string err = parse_duration(c.args[0].text, t);
  if (!err.empty()) return err;
  if (t.count() <= 0) return "must be positive";
  st.cfg.cgi_script_timeout = t;
  return "";
}

std::string set_script_sock(BuildState&, const Cmd&) {
  return "";
}

std::string set_cgi_pass_auth(BuildState& st, const Cmd& c) {
  return parse_flag(c.args[0].text, st.cfg.cgi_pass_auth);
}

}  // namespace tern::cfg
