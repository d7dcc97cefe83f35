#pragma once
// Setters of the CGI directives: CGIScriptTimeout (mod_cgi), CGIDScriptTimeout
// (mod_cgid), CGIPassAuth (core). ScriptAlias is mod_alias's (mod_alias.cpp). Each
// applies its (count-checked) arguments and returns an error or "".

#include <string>

#include "config/build_state.h"

namespace tern::cfg {

// CGIScriptTimeout / CGIDScriptTimeout time[s|ms]
std::string set_cgi_script_timeout(BuildState&, const Cmd&);
// CGIPassAuth On|Off
std::string set_cgi_pass_auth(BuildState&, const Cmd&);

}  // namespace tern::cfg
