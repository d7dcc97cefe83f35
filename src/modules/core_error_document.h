#pragma once
// core's ErrorDocument: the setter (server level and per directory, AllowOverride
// FileInfo) and the entry in force for a request's directory.

#include <string>

#include "config/build_state.h"
#include "config/config.h"
#include "config/module_config.h"

namespace tern::cfg {

// ErrorDocument code action: httpd's heuristic decides text, local URL or external URL;
// `default` restores the built-in page; a full URL for 401 is ignored with a warning.
std::string set_error_document(BuildState&, const Cmd&);

}  // namespace tern::cfg

namespace tern {

// The ErrorDocument the sections and .htaccess files merged into `dir` set for `status`
// (kind kDefault: the built-in page), or null when none does (the server's applies).
const ErrorDocumentSpec* dir_error_document(const DirConfigs& dir, int status);

}  // namespace tern
