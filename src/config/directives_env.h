#pragma once
// Setters of mod_env's SetEnv, UnsetEnv and PassEnv (directives_env.cpp): each appends
// EnvVarOps to the enclosing <Location>, or to the server level.

#include "config/build_state.h"

namespace tern::cfg {

// SetEnv var [value]: value "" when absent; a name holding '=' is refused (as httpd).
std::string set_set_env(BuildState&, const Cmd&);
// UnsetEnv var...: removes what SetEnv/PassEnv of enclosing scopes (or earlier lines of
// this one) set.
std::string set_unset_env(BuildState&, const Cmd&);
// PassEnv var...: the value tern was started with; an undefined one is left out with
// httpd's warning AH01506.
std::string set_pass_env(BuildState&, const Cmd&);

}  // namespace tern::cfg
