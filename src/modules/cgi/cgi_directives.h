#pragma once
// Setters of the CGI directives: CGIScriptTimeout (mod_cgi), CGIDScriptTimeout and
// ScriptSock (mod_cgid), CGIPassAuth (core). ScriptAlias is mod_alias's (mod_alias.cpp). Each
// applies its (count-checked) arguments and returns an error or "".

#include <string>

#include "config/build_state.h"

namespace tern::cfg {

// CGIScriptTimeout / CGIDScriptTimeout time[s|ms]
std::string set_cgi_script_timeout(BuildState&, const Cmd&);
// ScriptSock file-path: mod_cgid's daemon socket; tern has no daemon (no effect).
std::string set_script_sock(BuildState&, const Cmd&);
// CGIPassAuth On|Off
std::string set_cgi_pass_auth(BuildState&, const Cmd&);

}  // namespace tern::cfg
