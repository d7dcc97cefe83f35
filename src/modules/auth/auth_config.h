#pragma once
// The per-directory configuration of httpd's authentication modules (mod_authn_core,
// mod_auth_basic, mod_authn_file) and what they offer each other at request time
// (httpd's ap_auth_type, ap_auth_name, ap_note_auth_failure and the "file" provider).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/module.h"

namespace tern {

// authn_core_module: AuthType and AuthName (httpd's authn_core_dir_conf).
struct AuthnCoreDirConfig final : ModuleConfig {
  std::optional<std::string> type;  // as written: "Basic" or "None"
  std::optional<std::string> name;  // the realm
  // httpd's merge_authn_core_dir_config: what the nested scope sets wins.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// auth_basic_module: AuthBasicProvider and AuthBasicAuthoritative.
struct AuthBasicDirConfig final : ModuleConfig {
  std::vector<std::string> providers;  // empty: httpd's default, "file"
  std::optional<bool> authoritative;   // unset: On
  // httpd's merge_auth_basic_dir_config.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// authn_file_module: AuthUserFile (absolute; ServerRoot-relative resolved).
struct AuthnFileDirConfig final : ModuleConfig {
  std::optional<std::string> user_file;
  // httpd's default merge: what the nested scope sets wins.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// httpd's ap_auth_type: the AuthType in effect for `r`, null when none or "None" (or
// when authn_core_module is not active).
const std::string* auth_type(const RequestRec& r);
// httpd's ap_auth_name: the AuthName in effect for `r`, null when none.
const std::string* auth_name(const RequestRec& r);

// httpd's ap_note_auth_failure: the challenge for the 401 (r.www_authenticate) of the
// AuthType in effect; logs AH00571 when there is none.
void note_auth_failure(RequestRec& r);

// The results of an authentication provider (httpd's authn_status).
enum class AuthnStatus { kDenied, kGranted, kUserNotFound, kGeneralError };

// mod_authn_file's check_password: `password` against the hash of `user` in the
// AuthUserFile in effect for `r`; logs AH01619/AH01620 on a general error.
AuthnStatus authn_file_check_password(const RequestRec& r, std::string_view user,
                                      std::string_view password);

// Logs `text` at error level for `module` ("auth_basic") with r's client, as httpd's
// ap_log_rerror; `err` (errno) when non-zero is printed before the client.
void log_auth_error(const RequestRec& r, std::string_view module, const std::string& text,
                    int err = 0);

}  // namespace tern
