// authz_core_module (mod_authz_core.c): Require and its containers.

#include "config/directive_setters.h"
#include "http/ssl_var.h"
#include "modules/auth/auth_config.h"
#include "modules/authz_core_dir.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "authz_core_module";

const DirectiveSpec kDirectives[] = {
    {"Require", kCtxServer | kCtxDir | kCtxRequire, Args::kIterate, set_require,
     "Tests whether an authenticated user is authorized by an authorization provider", kMod,
     kOverrideAuthConfig},
    {"<RequireAll", kCtxServer | kCtxDir | kCtxRequire, Args::kNone, open_require_all,
     "Enclose a group of authorization directives of which none must fail and at least one "
     "must succeed",
     kMod, kOverrideAuthConfig, kCtxRequire, close_require_container},
    {"<RequireAny", kCtxServer | kCtxDir | kCtxRequire, Args::kNone, open_require_any,
     "Enclose a group of authorization directives of which one must succeed", kMod,
     kOverrideAuthConfig, kCtxRequire, close_require_container},
};

std::unique_ptr<ModuleConfig> create_authz_dir(const LocationSpec& scope, std::string* error) {
  if (!scope.require) return nullptr;
  std::string why;
  auto compiled = CompiledRequire::compile(*scope.require, &why);
  if (!compiled) {
    *error = scope.file + ":" + std::to_string(scope.line) + ": " + why;
    return nullptr;
  }
  auto c = std::make_unique<AuthzCoreDirConfig>();
  c->require = std::make_shared<const CompiledRequire>(std::move(*compiled));
  return c;
}

// httpd's authorize_userless (access_checker_ex) and authorize_user (auth_checker).
class AuthzCoreHooks final : public ModuleHooks {
 public:
  int access_checker_ex(RequestRec& r) const override { return authorize(r, false); }
  int auth_checker(RequestRec& r) const override { return authorize(r, true); }

 private:
  static int authorize(RequestRec& r, bool after_authn);
};

const AuthzCoreHooks kHooks;

}  // namespace

extern const Module authz_core_module;  // listed in registry.cpp
const Module authz_core_module{
    .name = kMod,
    .source = "mod_authz_core.c",
    .directives = kDirectives,
    .create_dir_config = create_authz_dir,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kAccessCheckerEx) | phase_bit(Phase::kAuthChecker),
};

namespace {

// httpd's authorize_user_core: the merged Require of the request, before (a user may
// still change a denial: decline, so that authentication runs) or after authentication.
int AuthzCoreHooks::authorize(RequestRec& r, bool after_authn) {
  static const int index = module_index(authz_core_module);
  const AuthzCoreDirConfig* c =
      r.dir != nullptr ? dir_config<AuthzCoreDirConfig>(*r.dir, index) : nullptr;
  const std::string* type = auth_type(r);
  if (c == nullptr || c->require == nullptr) {
    if (type == nullptr) return kOk;  // granted (no directives)
    log_auth_error(r, "authz_core",
                   "AH01627: AuthType configured with no corresponding authorization "
                   "directives");
    return 500;
  }
  const std::string verify = c->require->needs_client_verify()
                                 ? ssl_var(r.ctx.transport, "SSL_CLIENT_VERIFY")
                                 : std::string();
  const AuthzResult result = c->require->check(r.ctx.client_ip, r.ctx.local_ip, r.resp.user, verify,
                                               is_tls(r.ctx.transport));
  switch (result) {
    case AuthzResult::kGranted:
      return kOk;
    case AuthzResult::kDeniedNoUser:
      if (!after_authn) return kDeclined;
      log_auth_error(
          r, "authz_core",
          "AH01629: authorization failure (no authenticated user): " + std::string(r.url_path));
      if (r.resp.user) note_auth_failure(r);
      return 401;
    case AuthzResult::kDenied:
    case AuthzResult::kNeutral:
      break;
  }
  if (!after_authn || type == nullptr) {
    log_auth_error(r, "authz_core",
                   "AH01630: client denied by server configuration: " +
                       (r.filename.empty() ? "uri " + std::string(r.url_path) : r.filename));
    return 403;
  }
  log_auth_error(r, "authz_core",
                 "AH01631: user " + r.resp.user.value_or("") + ": authorization failure for \"" +
                     std::string(r.url_path) + "\": ");
  if (r.resp.user) note_auth_failure(r);
  return 401;
}

}  // namespace

}  // namespace tern::modules

namespace tern {

std::unique_ptr<ModuleConfig> AuthzCoreDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const AuthzCoreDirConfig&>(add_base);
  auto merged = std::make_unique<AuthzCoreDirConfig>(*this);
  if (add.require) merged->require = add.require;
  return merged;
}

}  // namespace tern
