// env_module (mod_env.c): SetEnv, UnsetEnv and PassEnv; the variables a section sets are
// added to the request's environment in the fixups phase (CGI and %{VAR}e read it).

#include "config/directives_env.h"
#include "http/request.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

// mod_env's per-directory configuration (httpd's env_dir_config_rec): the variables the
// scope sets, and the names it unsets from enclosing scopes.
struct EnvDirConfig final : ModuleConfig {
  std::vector<std::pair<std::string, std::string>> vars;  // names unique, case-insensitively
  std::vector<std::string> unset;
  // httpd's merge_env_dir_configs: base's vars minus add's unsets, then add's vars.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
  // apr_table_setn / apr_table_unset on `vars` (case-insensitive names).
  void set(const std::string& name, const std::string& value);
  void remove(const std::string& name);
};

void EnvDirConfig::set(const std::string& name, const std::string& value) {
  for (auto& [n, v] : vars) {
    if (iequals(n, name)) {
      v = value;
      return;
    }
  }
  vars.emplace_back(name, value);
}

void EnvDirConfig::remove(const std::string& name) {
  std::erase_if(vars, [&](const auto& e) { return iequals(e.first, name); });
}

std::unique_ptr<ModuleConfig> EnvDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const EnvDirConfig&>(add_base);
  auto merged = std::make_unique<EnvDirConfig>();
  merged->vars = vars;
  for (const std::string& name : add.unset) merged->remove(name);
  for (const auto& [n, v] : add.vars) merged->set(n, v);
  return merged;
}

namespace modules {

extern const Module env_module;  // defined below, listed in registry.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "env_module";

const DirectiveSpec kDirectives[] = {
    {"PassEnv", kCtxServer | kCtxDir, Args::kIterate, set_pass_env,
     "a list of environment variables to pass to CGI.", kMod, kOverrideFileInfo},
    {"SetEnv", kCtxServer | kCtxDir, Args::kTake12, set_set_env,
     "an environment variable name and optional value to pass to CGI.", kMod, kOverrideFileInfo},
    {"UnsetEnv", kCtxServer | kCtxDir, Args::kIterate, set_unset_env,
     "a list of variables to remove from the CGI environment.", kMod, kOverrideFileInfo},
};

// httpd's create_env_dir_config + the section's directives applied in file order.
std::unique_ptr<ModuleConfig> create_env_dir(const LocationSpec& scope, std::string*) {
  if (scope.env.empty()) return nullptr;
  auto c = std::make_unique<EnvDirConfig>();
  for (const EnvVarOp& op : scope.env) {
    if (op.unset) {
      // UnsetEnv drops what this scope set before it and, at merge, the enclosing scopes'.
      c->remove(op.name);
      c->unset.push_back(op.name);
    } else {
      c->set(op.name, op.value);
    }
  }
  return c;
}

// fixups: the merged section's variables overlay the request's environment.
class EnvHooks final : public ModuleHooks {
 public:
  int fixups(RequestRec& r) const override {
    static const int index = module_index(env_module);
    const EnvDirConfig* c = r.dir != nullptr ? dir_config<EnvDirConfig>(*r.dir, index) : nullptr;
    if (c == nullptr || c->vars.empty()) return kDeclined;
    for (const auto& [n, v] : c->vars) r.resp.set_env(n, v);
    return kOk;
  }
};

const EnvHooks kHooks;

}  // namespace

const Module env_module{
    .name = kMod,
    .source = "mod_env.c",
    .directives = kDirectives,
    .create_dir_config = create_env_dir,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kFixups),
};

}  // namespace modules
}  // namespace tern
