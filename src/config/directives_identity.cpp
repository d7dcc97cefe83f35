#include "config/directives_identity.h"

#include "config/config_values.h"

namespace tern::cfg {

std::string set_server_admin(BuildState& st, const Cmd& c) {
  st.cfg.server_admin = c.args[0].text;
  return "";
}

std::string set_server_signature(BuildState& st, const Cmd& c) {
  const std::string& v = c.args[0].text;
  if (iequals(v, "On")) {
    st.cfg.server_signature = ServerSignature::kOn;
  } else if (iequals(v, "Off")) {
    st.cfg.server_signature = ServerSignature::kOff;
  } else if (iequals(v, "EMail")) {
    st.cfg.server_signature = ServerSignature::kEMail;
  } else {
    // httpd's set_signature_flag, verbatim.
    return "ServerSignature: use one of: off | on | email";
  }
  return "";
}

std::string set_hostname_lookups(BuildState&, const Cmd& c) {
  const std::string& v = c.args[0].text;
  if (iequals(v, "Off")) return "";
  if (iequals(v, "On") || iequals(v, "Double")) {
    return "'" + v +
           "' is not supported: tern does no reverse DNS lookups of clients; use Off (the "
           "default) and resolve addresses from the access log afterwards (e.g. with "
           "logresolve)";
  }
  // httpd's set_hostname_lookups, verbatim.
  return "parameter must be 'on', 'off', or 'double'";
}

}  // namespace tern::cfg
