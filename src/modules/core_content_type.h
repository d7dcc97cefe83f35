#pragma once
// core's ForceType and AddDefaultCharset (per-directory, AllowOverride FileInfo): the
// setters, and what they mean for a response's Content-Type.

#include <string_view>

#include "config/build_state.h"
#include "config/module_config.h"

namespace tern::cfg {

// ForceType media-type|None (httpd's ap_set_string_slot_lower).
std::string set_force_type(BuildState&, const Cmd&);
// AddDefaultCharset On|Off|charset: On means iso-8859-1 (httpd's default name).
std::string set_add_default_charset(BuildState&, const Cmd&);

}  // namespace tern::cfg

namespace tern {

// ForceType's media type in `dir`, or "" when none is in force (unset or "none").
std::string_view dir_force_type(const DirConfigs& dir);

// The charset AddDefaultCharset adds in `dir` ("" when Off).
std::string_view dir_default_charset(const DirConfigs& dir);

// `type` with "; charset=`charset`" appended when `charset` is not empty, `type` names
// text/plain or text/html and has no charset= yet (written to `buf`); else `type`.
std::string_view add_default_charset(std::string_view type, std::string_view charset,
                                     std::string& buf);

// httpd's ap_make_content_type: `type` with "; charset=NAME" appended when
// AddDefaultCharset is on in `dir`, `type` names text/plain or text/html and has no
// charset= yet; else `type` itself. The result may live in this thread's buffer (valid
// until the thread's next call); nothing is allocated when AddDefaultCharset is off.
std::string_view make_content_type(const DirConfigs& dir, std::string_view type);

}  // namespace tern
