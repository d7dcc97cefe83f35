#pragma once
// Setters of core's ServerAdmin, ServerSignature and HostnameLookups (what the server says
// about itself on generated pages and to CGI scripts; directives_identity.cpp).

#include "config/build_state.h"

namespace tern::cfg {

// ServerAdmin email-address|URL: kept as given.
std::string set_server_admin(BuildState&, const Cmd&);
// ServerSignature On|Off|EMail (case-insensitive, as httpd).
std::string set_server_signature(BuildState&, const Cmd&);
// HostnameLookups Off|On|Double: only Off is accepted; tern does no reverse DNS lookups.
std::string set_hostname_lookups(BuildState&, const Cmd&);

}  // namespace tern::cfg
