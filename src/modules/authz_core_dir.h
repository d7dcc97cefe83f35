#pragma once
// authz_core_module's per-directory configuration (Require, compiled) and its
// access_checker_ex and auth_checker hooks.

#include <memory>

#include "handlers/authz.h"
#include "modules/module.h"

namespace tern {

// The authorization of a section: its Require rules, compiled once at start-up.
struct AuthzCoreDirConfig final : ModuleConfig {
  std::shared_ptr<const CompiledRequire> require;
  // httpd's AuthMerging Off: a section with Require replaces what enclosing ones said.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

}  // namespace tern
