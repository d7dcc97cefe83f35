// auth_basic_module (mod_auth_basic.c): HTTP Basic authentication (RFC 7617) in the
// check_user_id phase, against the providers of AuthBasicProvider (tern: "file").

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "modules/auth/auth_config.h"
#include "modules/auth/basic_credentials.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

std::unique_ptr<ModuleConfig> AuthBasicDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const AuthBasicDirConfig&>(add_base);
  auto merged = std::make_unique<AuthBasicDirConfig>(*this);
  if (!add.providers.empty()) merged->providers = add.providers;
  if (add.authoritative) merged->authoritative = add.authoritative;
  return merged;
}

void note_auth_failure(RequestRec& r) {
  const std::string* type = auth_type(r);
  if (type == nullptr) {
    log_auth_error(r, "core",
                   "AH00571: need AuthType to note auth failure: " + std::string(r.url_path));
    return;
  }
  if (!iequals(*type, "Basic")) return;
  // mod_auth_basic's note_basic_auth_failure, with ap_auth_name's ap_escape_quotes.
  std::string v = "Basic realm=\"";
  if (const std::string* name = auth_name(r); name != nullptr) {
    for (size_t i = 0; i < name->size(); ++i) {
      const char c = (*name)[i];
      if (c == '\\' && i + 1 < name->size()) {
        v.push_back(c);
        v.push_back((*name)[++i]);
        continue;
      }
      if (c == '"') v.push_back('\\');
      v.push_back(c);
    }
  }
  v.push_back('"');
  r.www_authenticate = std::move(v);
}

namespace modules {

extern const Module auth_basic_module;  // defined below, listed in registry.cpp
extern const Module authn_file_module;

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "auth_basic_module";

std::string add_authn_provider(BuildState& st, const Cmd& c) {
  AuthBasicDirConfig& conf = dir_scope<AuthBasicDirConfig>(st, auth_basic_module);
  for (const Word& w : c.args) {
    // httpd looks the provider up when the line is read: its module must be loaded.
    if (w.text != "file")
      return "Unknown Authn provider: " + shorten(w.text) + " (tern has file only)";
    if (!st.modules.active(authn_file_module))
      return "Unknown Authn provider: file (authn_file_module is not loaded)";
    conf.providers.push_back(w.text);
  }
  return "";
}

std::string set_authoritative(BuildState& st, const Cmd& c) {
  bool on = true;
  std::string err = parse_flag(c.args[0].text, on);
  if (!err.empty()) return err;
  dir_scope<AuthBasicDirConfig>(st, auth_basic_module).authoritative = on;
  return "";
}

const DirectiveSpec kDirectives[] = {
    {"AuthBasicProvider", kCtxServer | kCtxDir, Args::kIterate, add_authn_provider,
     "specify the auth providers for a directory or location", kMod, kOverrideAuthConfig},
    {"AuthBasicAuthoritative", kCtxServer | kCtxDir, Args::kFlag, set_authoritative,
     "Set to 'Off' to allow access control to be passed along to lower modules if the "
     "UserID is not known to this module",
     kMod, kOverrideAuthConfig},
};

// The first provider's answer that is not "user not found" (httpd's provider loop).
AuthnStatus check_providers(const RequestRec& r, const AuthBasicDirConfig* conf,
                            const BasicCredentials& cred) {
  if (conf == nullptr || conf->providers.empty()) {
    // No AuthBasicProvider: httpd's default provider, "file", when its module is loaded.
    if (!module_enabled(r.server.active_modules, "authn_file_module")) {
      log_auth_error(r, "auth_basic", "AH01616: No Authn provider configured");
      return AuthnStatus::kGeneralError;
    }
    return authn_file_check_password(r, cred.user, cred.password);
  }
  AuthnStatus result = AuthnStatus::kUserNotFound;
  for (size_t i = 0; i < conf->providers.size(); ++i) {
    result = authn_file_check_password(r, cred.user, cred.password);  // "file" only
    if (result != AuthnStatus::kUserNotFound) break;
  }
  return result;
}

// httpd's authenticate_basic_user.
class AuthBasicHooks final : public ModuleHooks {
 public:
  int check_user_id(RequestRec& r) const override {
    static const int index = module_index(auth_basic_module);
    const std::string* type = auth_type(r);
    if (type == nullptr || !tern::iequals(*type, "Basic")) return kDeclined;
    if (auth_name(r) == nullptr) {
      log_auth_error(r, "auth_basic", "AH01615: need AuthName: " + std::string(r.url_path));
      return 500;
    }
    r.resp.auth_type = *type;
    const std::optional<std::string_view> field = r.req.header("Authorization");
    if (!field) {
      note_auth_failure(r);
      return 401;
    }
    std::optional<BasicCredentials> cred = parse_basic_authorization(*field);
    if (!cred) {
      log_auth_error(
          r, "auth_basic",
          "AH01614: client used wrong authentication scheme: " + std::string(r.url_path));
      note_auth_failure(r);
      return 401;
    }
    // httpd sets the user before checking it: the access log names it on a 401 too.
    r.resp.user = cred->user;
    const auto* conf = dir_config<AuthBasicDirConfig>(*r.dir, index);
    const AuthnStatus result = check_providers(r, conf, *cred);
    if (result == AuthnStatus::kGranted) return kOk;
    const bool authoritative = conf == nullptr || conf->authoritative.value_or(true);
    if (!authoritative && result != AuthnStatus::kDenied) return kDeclined;
    switch (result) {
      case AuthnStatus::kDenied:
        log_auth_error(r, "auth_basic",
                       "AH01617: user " + cred->user + ": authentication failure for \"" +
                           std::string(r.url_path) + "\": Password Mismatch");
        break;
      case AuthnStatus::kUserNotFound:
        log_auth_error(r, "auth_basic",
                       "AH01618: user " + cred->user + " not found: " + std::string(r.url_path));
        break;
      case AuthnStatus::kGranted:
      case AuthnStatus::kGeneralError:
        return 500;  // the provider logged why
    }
    note_auth_failure(r);
    return 401;
  }
};

const AuthBasicHooks kHooks;

}  // namespace

const Module auth_basic_module{
    .name = kMod,
    .source = "mod_auth_basic.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kCheckUserId),
};

}  // namespace modules
}  // namespace tern
