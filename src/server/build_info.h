#pragma once
// When this binary was built: the one source of the build time that `tern -v`
// ("Server built:") and server-status ("Server Built") both print.

#include <string>
#include <string_view>

namespace tern {

// The build time in httpd's ISO form, "2026-11-12T08:58:41" (the compiler's
// clock when build_info.cpp was compiled), as httpd's ap_get_server_built().
const std::string& server_built();

// "YYYY-MM-DDTHH:MM:SS" from the compiler's __DATE__ and __TIME__ strings
// (the two strings joined by a blank when they are not in that form).
std::string iso_build_time(std::string_view date, std::string_view time);

}  // namespace tern
