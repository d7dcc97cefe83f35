#pragma once
// core_module's per-directory configuration: SetHandler, Options, AllowOverride,
// AllowOverrideList, ForceType, AddDefaultCharset and ErrorDocument, merged as httpd's
// merge_core_dir_configs.

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "modules/module.h"

namespace tern {

// httpd's Options bits (OPT_*).
enum OptionBits : unsigned {
  kOptNone = 0,
  kOptIndexes = 1,
  kOptIncludes = 2,
  kOptSymLinks = 4,  // FollowSymLinks
  kOptExecCGI = 8,
  kOptIncNoExec = 32,  // IncludesNOEXEC (with kOptIncludes unset)
  kOptSymOwner = 64,   // SymLinksIfOwnerMatch
  kOptMultiViews = 128,
  // `Options All`: everything but MultiViews (httpd's OPT_ALL).
  kOptAll = kOptIndexes | kOptIncludes | kOptSymLinks | kOptExecCGI,
};

// What a section of core sets for the requests it matches.
struct CoreDirConfig final : ModuleConfig {
  std::optional<std::string> handler;  // SetHandler ("server-status", "none", …)
  // Options: `opts` when the section names options without +/- (replacing the enclosing
  // scope's), else `opts_add`/`opts_remove` applied to them. Unset: inherited.
  bool opts_set = false;
  unsigned opts = 0;
  unsigned opts_add = 0;
  unsigned opts_remove = 0;
  // AllowOverride (cfg::AllowOverride bits) and AllowOverrideList names; only
  // <Directory> sections may set them.
  std::optional<unsigned> allow_override;
  std::optional<std::vector<std::string>> allow_override_list;
  // The Options an .htaccess may set (AllowOverride Options=…); every option by default.
  unsigned override_opts = kOptAll | kOptMultiViews | kOptSymOwner | kOptIncNoExec;
  // ForceType (lower-cased; "none" undoes an enclosing one) and AddDefaultCharset (the
  // charset, "" for Off); unset: inherited (core_content_type.h).
  std::optional<std::string> force_type;
  std::optional<std::string> default_charset;
  // ErrorDocument entries of this scope, one per status (kDefault included); a nested
  // scope's entry replaces the enclosing one's for its status (core_error_document.h).
  std::vector<ErrorDocumentSpec> error_documents;
  // The later section's values win where it sets them; Options as httpd merges them.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// httpd 2.4's default Options: FollowSymLinks.
inline constexpr unsigned kDefaultOptions = kOptSymLinks;

// The SetHandler name in effect in `dir` (merged), or null when none is set.
const std::string* dir_handler(const DirConfigs& dir);

// The Options in effect in `dir` (merged; kDefaultOptions where no section sets any).
unsigned dir_options(const DirConfigs& dir);

// The Options an .htaccess file in that scope may set (AllowOverride Options=…).
unsigned dir_override_options(const DirConfigs& dir);

// The AllowOverride classes in effect in `dir` (default None, as httpd 2.4), and the
// AllowOverrideList directive names (empty when none).
unsigned dir_allow_override(const DirConfigs& dir);
const std::vector<std::string>& dir_allow_override_list(const DirConfigs& dir);

}  // namespace tern
