#include "config/directives_env.h"

#include <cstdlib>

namespace tern::cfg {

namespace {

// The ops of the enclosing <Location>, or of the server level (which become a "/"
// section, finish_server_location, named by its first directive).
std::vector<EnvVarOp>& scope_env(BuildState& st, const Cmd& c) {
  if (st.current_location >= 0)
    return st.cfg.sections[static_cast<size_t>(st.current_location)].env;
  if (st.server_auth_where.line == 0) st.server_auth_where = {c.file, c.line};
  return st.server_env;
}

std::string check_name(const Cmd& c, const std::string& name) {
  size_t eq = name.find('=');
  if (eq == std::string::npos) return "";
  // httpd's add_env_module_vars_set, verbatim.
  return "Spurious usage of '=' in an environment variable name. " + c.name + " " +
         name.substr(0, eq) + " " + name.substr(eq + 1) + " expected.";
}

}  // namespace

std::string set_set_env(BuildState& st, const Cmd& c) {
  const std::string& name = c.args[0].text;
  std::string err = check_name(c, name);
  if (!err.empty()) return err;
  scope_env(st, c).push_back({name, c.args.size() > 1 ? c.args[1].text : std::string(), false});
  return "";
}

std::string set_unset_env(BuildState& st, const Cmd& c) {
  for (const Word& w : c.args) scope_env(st, c).push_back({w.text, {}, true});
  return "";
}

std::string set_pass_env(BuildState& st, const Cmd& c) {
  for (const Word& w : c.args) {
    const char* v = std::getenv(w.text.c_str());
    if (v == nullptr) {
      // httpd's AH01506 (logged at start-up, as a warning).
      st.warn({c.file, c.line}, "AH01506: PassEnv variable " + w.text + " was undefined");
      continue;
    }
    scope_env(st, c).push_back({w.text, v, false});
  }
  return "";
}

}  // namespace tern::cfg
