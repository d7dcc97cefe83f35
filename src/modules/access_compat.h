#pragma once
// access_compat_module (mod_access_compat.c): httpd 2.2's host-based access control
// (Order, Allow, Deny) and Satisfy, as httpd 2.4 keeps them for old configurations.
//
// Integration with authentication/authorization (httpd's ap_process_request_internal):
// the module's access_checker hook refuses a client that Order/Allow/Deny deny (403,
// AH01797) under either Satisfy; the pipeline reads satisfies() for what follows:
// - Satisfy All (or unset): the refusal stands; Require is then checked as usual.
// - Satisfy Any: a request no access_checker refused skips authentication and
//   authorization; a refused one is left to Require and authentication, as httpd does.

#include "modules/module.h"

namespace tern {

// httpd's SATISFY_* values (ap_satisfies()).
enum class Satisfy { kNoSpec, kAll, kAny };

// httpd's ap_satisfies: the Satisfy in effect in `dir` (kNoSpec where none is set).
Satisfy satisfies(const DirConfigs& dir);

// httpd's check_dir_access: kOk when Order/Allow/Deny of `r.dir` let the client in (also
// when the scope sets none of them: Order Deny,Allow), else logs AH01797 and returns 403.
int check_host_access(const RequestRec& r);

}  // namespace tern
