// authn_core_module (mod_authn_core.c): AuthType and AuthName, and the last
// check_user_id hook, which refuses an AuthType no loaded module implements.

#include <cstring>

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "log/error_log.h"
#include "modules/auth/auth_config.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

std::unique_ptr<ModuleConfig> AuthnCoreDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const AuthnCoreDirConfig&>(add_base);
  auto merged = std::make_unique<AuthnCoreDirConfig>(*this);
  if (add.type) merged->type = add.type;
  if (add.name) merged->name = add.name;
  return merged;
}

void log_auth_error(const RequestRec& r, std::string_view module, const std::string& text,
                    int err) {
  if (!ErrorLog::enabled(LogLevel::kError)) return;
  const std::string mod(module);
  const std::string ip(r.ctx.client_ip);
  if (err != 0) {
    ErrorLog::printf(LogLevel::kError, mod.c_str(), "(%d)%s: [client %s:%u] %s", err,
                     std::strerror(err), ip.c_str(), r.ctx.client_port, text.c_str());
  } else {
    ErrorLog::printf(LogLevel::kError, mod.c_str(), "[client %s:%u] %s", ip.c_str(),
                     r.ctx.client_port, text.c_str());
  }
}

namespace modules {

extern const Module authn_core_module;  // defined below, listed in registry.cpp

}  // namespace modules

namespace {

const AuthnCoreDirConfig* core_config(const RequestRec& r) {
  static const int index = module_index(modules::authn_core_module);
  return r.dir != nullptr ? dir_config<AuthnCoreDirConfig>(*r.dir, index) : nullptr;
}

}  // namespace

const std::string* auth_type(const RequestRec& r) {
  const AuthnCoreDirConfig* c = core_config(r);
  if (c == nullptr || !c->type || iequals(*c->type, "None")) return nullptr;
  return &*c->type;
}

const std::string* auth_name(const RequestRec& r) {
  const AuthnCoreDirConfig* c = core_config(r);
  return c != nullptr && c->name ? &*c->name : nullptr;
}

namespace modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "authn_core_module";

std::string set_auth_type(BuildState& st, const Cmd& c) {
  const std::string& v = c.args[0].text;
  if (!cfg::iequals(v, "Basic") && !cfg::iequals(v, "None")) {
    return "AuthType " + shorten(v) + " is not supported by tern (Basic and None are)";
  }
  dir_scope<AuthnCoreDirConfig>(st, authn_core_module).type = v;
  return "";
}

std::string set_auth_name(BuildState& st, const Cmd& c) {
  dir_scope<AuthnCoreDirConfig>(st, authn_core_module).name = c.args[0].text;
  return "";
}

const DirectiveSpec kDirectives[] = {
    {"AuthType", kCtxServer | kCtxDir, Args::kTake1, set_auth_type,
     "an HTTP authorization type (e.g., \"Basic\")", kMod, kOverrideAuthConfig},
    {"AuthName", kCtxServer | kCtxDir, Args::kTake1, set_auth_name,
     "the authentication realm (e.g. \"Members Only\")", kMod, kOverrideAuthConfig},
};

// check_user_id, after every other module's: with no AuthType no authentication is
// needed; an AuthType no module took is a configuration error (AH01796, 500).
class AuthnCoreHooks final : public ModuleHooks {
 public:
  int check_user_id(RequestRec& r) const override {
    const std::string* type = auth_type(r);
    if (type == nullptr) return kOk;
    log_auth_error(r, "authn_core",
                   "AH01796: AuthType " + *type + " configured without corresponding module");
    return 500;
  }
};

const AuthnCoreHooks kHooks;

}  // namespace

const Module authn_core_module{
    .name = kMod,
    .source = "mod_authn_core.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kCheckUserId),
};

}  // namespace modules
}  // namespace tern
