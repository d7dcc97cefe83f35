// <Location>, <LocationMatch>, SetHandler, Require and the <RequireAll>/<RequireAny>
// containers (mod_authz_core semantics), and RegexDefaultOptions.

#include <memory>

#include "config/config_values.h"
#include "config/directive_setters.h"
#include "modules/registry.h"

namespace tern::cfg {

namespace {

// The list a Require line outside any container adds to.
std::vector<RequireRule>& direct_rules(BuildState& st) {
  return st.current_location >= 0 ? st.location_requires : st.server_requires;
}

// Folds several top-level rules into one, as httpd does (implicit <RequireAny>).
std::optional<RequireRule> fold(std::vector<RequireRule> rules) {
  if (rules.empty()) return std::nullopt;
  if (rules.size() == 1) return std::move(rules.front());
  RequireRule any;
  any.kind = RequireRule::Kind::kAny;
  any.children = std::move(rules);
  return any;
}

std::string begin_location(BuildState& st, const Cmd& c, std::string pattern, bool regex) {
  return begin_section(st, c, SectionKind::kLocation, std::move(pattern), regex);
}

}  // namespace

std::string begin_section(BuildState& st, const Cmd& c, SectionKind kind, std::string pattern,
                          bool regex) {
  SectionSpec loc;
  loc.kind = kind;
  if (regex) {
    // Compiled here, with the RegexDefaultOptions of this point of the file (as httpd),
    // so that -t reports every bad pattern at its line.
    RegexError e;
    auto re = Regex::compile(pattern, st.regex_options, &e);
    if (!re) {
      return "invalid regular expression '" + regex_excerpt(pattern, 64) + "': " + e.message +
             " at offset " + std::to_string(e.offset);
    }
    loc.regex = std::make_shared<const Regex>(std::move(*re));
  } else if (pattern.empty() && kind != SectionKind::kIf) {
    return "empty path";
  }
  loc.pattern = std::move(pattern);
  loc.is_regex = regex;
  loc.file = c.file;
  loc.line = c.line;
  loc.parent = st.current_location;
  st.cfg.sections.push_back(std::move(loc));
  st.section_stack.push_back(st.current_location);
  st.requires_stack.push_back(std::move(st.location_requires));
  st.current_location = static_cast<int>(st.cfg.sections.size()) - 1;
  st.location_requires.clear();
  return "";
}

std::string end_section(BuildState& st) {
  SectionSpec& loc = st.cfg.sections[static_cast<size_t>(st.current_location)];
  loc.require = fold(std::move(st.location_requires));
  st.location_requires = std::move(st.requires_stack.back());
  st.requires_stack.pop_back();
  st.current_location = st.section_stack.back();
  st.section_stack.pop_back();
  return "";
}

std::string open_location(BuildState& st, const Cmd& c) {
  if (c.args.size() == 2) {
    if (c.args[0].text != "~") return "takes one argument, or ~ and a regular expression";
    return begin_location(st, c, c.args[1].text, true);
  }
  return begin_location(st, c, c.args[0].text, false);
}

std::string open_location_match(BuildState& st, const Cmd& c) {
  return begin_location(st, c, c.args[0].text, true);
}

std::string close_location(BuildState& st, const Cmd&) {
  return end_section(st);
}

std::string set_handler(BuildState& st, const Cmd& c) {
  if (st.current_location >= 0) {
    st.cfg.sections[static_cast<size_t>(st.current_location)].handler = c.args[0].text;
  } else {
    st.server_handler = c.args[0].text;
    if (st.server_auth_where.line == 0) st.server_auth_where = {c.file, c.line};
  }
  return "";
}

std::string set_require(BuildState& st, const Cmd& c) {
  RequireRule r;
  size_t i = 0;
  if (iequals(c.args[0].text, "not")) {
    r.negated = true;
    i = 1;
    if (c.args.size() < 2) return "'Require not' needs a rule";
  }
  const std::string& provider = c.args[i].text;
  const size_t nargs = c.args.size() - i - 1;
  if (iequals(provider, "all")) {
    if (nargs != 1) return "'Require all' takes one argument, granted or denied";
    const std::string& v = c.args[i + 1].text;
    if (iequals(v, "granted")) {
      r.kind = RequireRule::Kind::kAllGranted;
    } else if (iequals(v, "denied")) {
      r.kind = RequireRule::Kind::kAllDenied;
    } else {
      return "'Require all' must be followed by 'granted' or 'denied'";
    }
  } else if (iequals(provider, "ip")) {
    if (nargs == 0) return "'Require ip' requires at least one address";
    r.kind = RequireRule::Kind::kIp;
    for (size_t k = i + 1; k < c.args.size(); ++k) {
      std::string err = validate_require_ip(c.args[k].text);
      if (!err.empty()) return err;
      std::string ip = c.args[k].text;
      // httpd's legacy "10.1." means "10.1"; store the form start-up compiles.
      if (ip.back() == '.') ip.pop_back();
      r.ips.push_back(std::move(ip));
    }
  } else if (iequals(provider, "local")) {
    if (nargs != 0) return "'Require local' takes no arguments";
    r.kind = RequireRule::Kind::kLocal;
  } else if (iequals(provider, "valid-user") || iequals(provider, "user")) {
    // mod_authz_user's providers: unknown to httpd unless authz_user_module is loaded.
    const Module* m = find_module("authz_user_module");
    if (m == nullptr || !st.modules.active(*m))
      return "Unknown Authz provider: " + shorten(provider);
    if (iequals(provider, "valid-user")) {
      r.kind = RequireRule::Kind::kValidUser;  // httpd ignores any arguments
    } else {
      r.kind = RequireRule::Kind::kUser;  // no names: never granted (as httpd)
      for (size_t k = i + 1; k < c.args.size(); ++k) r.users.push_back(c.args[k].text);
    }
  } else if (iequals(provider, "ssl-verify-client") || iequals(provider, "ssl")) {
    // mod_ssl's providers: unknown to httpd unless ssl_module is loaded.
    const Module* m = find_module("ssl_module");
    if (m == nullptr || !st.modules.active(*m))
      return "Unknown Authz provider: " + shorten(provider);
    const bool verify = iequals(provider, "ssl-verify-client");
    if (nargs != 0)
      return verify ? "'Require ssl-verify-client' does not take arguments"
                    : "'Require ssl' does not take arguments";
    r.kind = verify ? RequireRule::Kind::kSslVerifyClient : RequireRule::Kind::kSsl;
  } else {
    return "authorization provider '" + shorten(provider) +
           "' is not supported by tern (all, ip, local, user, valid-user, ssl, "
           "ssl-verify-client and not are)";
  }
  if (r.negated) {
    if (st.require_stack.empty())
      return "negative Require directive is only valid inside a <RequireAll> section";
    if (st.require_stack.back().kind != RequireRule::Kind::kAll)
      return "negative Require directive has no effect in <RequireAny> directive";
  }
  if (!st.require_stack.empty()) {
    st.require_stack.back().children.push_back(std::move(r));
  } else {
    if (st.current_location < 0 && st.server_auth_where.line == 0)
      st.server_auth_where = {c.file, c.line};
    direct_rules(st).push_back(std::move(r));
  }
  return "";
}

std::string open_require_all(BuildState& st, const Cmd& c) {
  RequireRule r;
  r.kind = RequireRule::Kind::kAll;
  st.require_stack.push_back(std::move(r));
  if (st.current_location < 0 && st.server_auth_where.line == 0)
    st.server_auth_where = {c.file, c.line};
  return "";
}

std::string open_require_any(BuildState& st, const Cmd& c) {
  RequireRule r;
  r.kind = RequireRule::Kind::kAny;
  st.require_stack.push_back(std::move(r));
  if (st.current_location < 0 && st.server_auth_where.line == 0)
    st.server_auth_where = {c.file, c.line};
  return "";
}

std::string close_require_container(BuildState& st, const Cmd&) {
  RequireRule r = std::move(st.require_stack.back());
  st.require_stack.pop_back();
  const std::string name = r.kind == RequireRule::Kind::kAll ? "<RequireAll>" : "<RequireAny>";
  if (r.children.empty()) return name + " directive contains no authorization directives";
  bool all_negative = true;
  for (const RequireRule& child : r.children) all_negative = all_negative && child.negated;
  if (all_negative) return name + " directive has only negative authorization directives";
  if (!st.require_stack.empty()) {
    st.require_stack.back().children.push_back(std::move(r));
  } else {
    direct_rules(st).push_back(std::move(r));
  }
  return "";
}

std::string set_regex_default_options(BuildState& st, const Cmd& c) {
  std::vector<std::string> words;
  for (const Word& w : c.args) words.push_back(w.text);
  return apply_regex_default_options(words, &st.regex_options);
}

void finish_server_location(BuildState& st) {
  if (st.server_requires.empty() && !st.server_handler && st.server_env.empty()) return;
  LocationSpec loc;
  loc.pattern = "/";
  loc.handler = st.server_handler;
  loc.env = std::move(st.server_env);
  loc.require = fold(std::move(st.server_requires));
  loc.file = st.server_auth_where.file;
  loc.line = st.server_auth_where.line;
  st.cfg.sections.insert(st.cfg.sections.begin(), std::move(loc));
  // Every index into the vector moved by one.
  for (SectionSpec& s : st.cfg.sections) {
    if (s.parent >= 0) ++s.parent;
    if (s.else_of >= 0) ++s.else_of;
  }
}

}  // namespace tern::cfg
