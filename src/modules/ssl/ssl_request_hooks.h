#pragma once
// mod_ssl's request hooks: ssl_hook_Access (SSLRequireSSL), ssl_hook_UserCheck (SSLOptions
// +StrictRequire under `Satisfy Any`) and ssl_hook_Fixup (HTTPS and SSL_TLS_SNI on every
// TLS request, the standard SSL_* variables with SSLOptions +StdEnvVars, the certificates
// in PEM with +ExportCertData).

#include "modules/module.h"

namespace tern::ssl {

// The request hooks of ssl_module (stateless; live for the program).
const ModuleHooks& ssl_request_hooks();

}  // namespace tern::ssl
