#pragma once
// The Server header value per ServerTokens.

#include <string>

#include "config/config.h"

namespace tern {

// "tern" (Prod), "tern/0" (Major), "tern/0.1" (Minor), "tern/0.1.0" (Minimal),
// "tern/0.1.0 (Unix)" (OS and Full), from the TERN_VERSION macro.
std::string server_header_value(ServerTokens tokens);

}  // namespace tern
