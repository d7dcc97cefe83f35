#pragma once
// access_compat_module (mod_access_compat.c): httpd 2.2's host-based access control
// (Order, Allow, Deny) and Satisfy, as httpd 2.4 keeps them for old configurations.
//
// Integration with authentication/authorization (httpd's ap_process_request_internal):
// - Satisfy All (or unset): the module's access_checker hook refuses a client that
//   Order/Allow/Deny deny (403, AH01797); Require is then checked as usual.
// - Satisfy Any: the hook declines; the request pipeline asks satisfy_any_granted() first.
//   True (host access granted) skips authentication and authorization (every
//   access_checker, check_user_id and auth_checker hook); false (AH01797 logged) leaves
//   the decision to Require and authentication, as httpd does.
// The authz code needs nothing else from this module.

#include "modules/module.h"

namespace tern {

// httpd's SATISFY_* values (ap_satisfies()).
enum class Satisfy { kNoSpec, kAll, kAny };

// httpd's ap_satisfies: the Satisfy in effect in `dir` (kNoSpec where none is set).
Satisfy satisfies(const DirConfigs& dir);

// httpd's check_dir_access: kOk when Order/Allow/Deny of `r.dir` let the client in (also
// when the scope sets none of them: Order Deny,Allow), else logs AH01797 and returns 403.
int check_host_access(const RequestRec& r);

// For the pipeline: true when `r` is under `Satisfy Any` and host access grants it, so
// that authentication and authorization are skipped. Logs AH01797 when it is denied.
bool satisfy_any_granted(const RequestRec& r);

}  // namespace tern
