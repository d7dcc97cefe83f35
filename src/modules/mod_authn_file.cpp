// authn_file_module (mod_authn_file.c): AuthUserFile and the "file" authentication
// provider — users and password hashes in a text file as htpasswd writes it.

#include "config/config_files.h"
#include "config/dir_scope.h"
#include "modules/auth/auth_config.h"
#include "modules/auth/password_file.h"
#include "modules/auth/password_hash.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

std::unique_ptr<ModuleConfig> AuthnFileDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const AuthnFileDirConfig&>(add_base);
  auto merged = std::make_unique<AuthnFileDirConfig>(*this);
  if (add.user_file) merged->user_file = add.user_file;
  return merged;
}

namespace modules {

extern const Module authn_file_module;  // defined below, listed in registry.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "authn_file_module";

std::string set_auth_user_file(BuildState& st, const Cmd& c) {
  // httpd's ap_set_file_slot: relative to ServerRoot.
  dir_scope<AuthnFileDirConfig>(st, authn_file_module).user_file =
      resolve_path(st.server_root, c.args[0].text);
  return "";
}

const DirectiveSpec kDirectives[] = {
    {"AuthUserFile", kCtxServer | kCtxDir, Args::kTake1, set_auth_user_file,
     "text file containing user IDs and passwords", kMod, kOverrideAuthConfig},
};

// Every password file the process reads, shared by all workers.
PasswordFileCache& password_files() {
  static PasswordFileCache cache;
  return cache;
}

}  // namespace

const Module authn_file_module{
    .name = kMod,
    .source = "mod_authn_file.c",
    .directives = kDirectives,
};

}  // namespace modules

AuthnStatus authn_file_check_password(const RequestRec& r, std::string_view user,
                                      std::string_view password) {
  static const int index = module_index(modules::authn_file_module);
  const auto* conf = r.dir != nullptr ? dir_config<AuthnFileDirConfig>(*r.dir, index) : nullptr;
  if (conf == nullptr || !conf->user_file) {
    log_auth_error(r, "authn_file", "AH01619: AuthUserFile not specified in the configuration");
    return AuthnStatus::kGeneralError;
  }
  int err = 0;
  std::shared_ptr<const PasswordFile> file = modules::password_files().get(*conf->user_file, &err);
  if (file == nullptr) {
    log_auth_error(r, "authn_file", "AH01620: Could not open password file: " + *conf->user_file,
                   err);
    return AuthnStatus::kGeneralError;
  }
  const std::string* hash = file->find(user);
  if (hash == nullptr) return AuthnStatus::kUserNotFound;
  return password_validate(password, *hash) ? AuthnStatus::kGranted : AuthnStatus::kDenied;
}

}  // namespace tern
