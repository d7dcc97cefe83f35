#pragma once
// mod_ssl's request hook (ssl_hook_Fixup): HTTPS and SSL_TLS_SNI on every TLS request, the
// standard SSL_* variables with SSLOptions +StdEnvVars, the certificates in PEM with
// +ExportCertData.

#include "modules/module.h"

namespace tern::ssl {

// The fixups hook of ssl_module (stateless; lives for the program).
const ModuleHooks& ssl_fixup_hooks();

}  // namespace tern::ssl
