#include "modules/cgi/cgi_directives.h"

#include "config/config_values.h"

namespace tern::cfg {

std::string set_cgi_script_timeout(BuildState& st, const Cmd& c) {
  std::chrono::milliseconds t{0};
  std::string err = parse_duration(c.args[0].text, t);
  if (!err.empty()) return err;
  if (t.count() <= 0) return "must be positive";
  st.cfg.cgi_script_timeout = t;
  return "";
}

std::string set_cgi_pass_auth(BuildState& st, const Cmd& c) {
  return parse_flag(c.args[0].text, st.cfg.cgi_pass_auth);
}

}  // namespace tern::cfg
