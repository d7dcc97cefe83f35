#pragma once
// core's Options, AllowOverride and AllowOverrideList directives (per-directory).

#include "config/build_state.h"

namespace tern::cfg {

// Options [+|-]Indexes|Includes|IncludesNOEXEC|FollowSymLinks|SymLinksIfOwnerMatch|
// ExecCGI|MultiViews|All|None … (httpd's set_options).
std::string set_options(BuildState&, const Cmd&);
// AllowOverride All|None|AuthConfig|FileInfo|Indexes|Limit|Options[=…] … (<Directory> only).
std::string set_allow_override(BuildState&, const Cmd&);
// AllowOverrideList None|directive … (<Directory> only).
std::string set_allow_override_list(BuildState&, const Cmd&);

}  // namespace tern::cfg
