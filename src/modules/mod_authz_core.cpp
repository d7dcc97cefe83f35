// authz_core_module (mod_authz_core.c): Require and its containers.

#include "config/directive_setters.h"
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

// access_checker: a request the merged Require does not grant is refused with 403.
class AuthzCoreHooks final : public ModuleHooks {
 public:
  int access_checker(RequestRec& r) const override;
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
    .phases = phase_bit(Phase::kAccessChecker),
};

namespace {

int AuthzCoreHooks::access_checker(RequestRec& r) const {
  static const int index = module_index(authz_core_module);
  const AuthzCoreDirConfig* c = dir_config<AuthzCoreDirConfig>(*r.dir, index);
  if (c == nullptr || c->require == nullptr) return kDeclined;
  return c->require->allows(r.ctx.client_ip, r.ctx.local_ip) ? kOk : 403;
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
