// The module registry: every directive belongs to exactly one registered module, names
// are unique, and directives sit in the module httpd's documentation names.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "config/config_loader.h"
#include "config/config_values.h"
#include "config/directive_table.h"
#include "modules/registry.h"

namespace tern {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(ModuleRegistry, EveryDirectiveNamesTheModuleThatListsIt) {
  size_t count = 0;
  for (const Module* m : all_modules()) {
    for (const cfg::DirectiveSpec& d : m->directives) {
      EXPECT_EQ(d.module, m->name) << d.name;
      EXPECT_EQ(cfg::find_directive(d.name), &d) << d.name;
      ++count;
    }
  }
  EXPECT_EQ(cfg::directive_names().size(), count);
  EXPECT_GT(count, 50u);
}

TEST(ModuleRegistry, DirectiveAndModuleNamesAreUnique) {
  std::set<std::string> directives, names, sources;
  for (const Module* m : all_modules()) {
    EXPECT_TRUE(names.insert(std::string(m->name)).second) << m->name;
    EXPECT_TRUE(sources.insert(std::string(m->source)).second) << m->source;
    EXPECT_TRUE(m->name.ends_with("_module")) << m->name;
    EXPECT_TRUE(m->source.ends_with(".c")) << m->source;
    for (const cfg::DirectiveSpec& d : m->directives) {
      EXPECT_TRUE(directives.insert(lower(d.name)).second) << d.name;
      EXPECT_FALSE(d.description.empty()) << d.name;
      EXPECT_NE(d.set, nullptr) << d.name;
      EXPECT_EQ(d.name.starts_with("<"), d.opens != 0) << d.name;
      EXPECT_EQ(d.overrides & ~unsigned{cfg::kOverrideAll}, 0u) << d.name;
    }
  }
  EXPECT_EQ(module_names().size(), all_modules().size());
}

TEST(ModuleRegistry, DirectivesBelongToHttpdsModules) {
  const std::pair<const char*, const char*> expected[] = {
      {"ErrorLog", "core_module"},
      {"LogLevel", "core_module"},
      {"ExtendedStatus", "core_module"},
      {"RegexDefaultOptions", "core_module"},
      {"SetHandler", "core_module"},
      {"<Location", "core_module"},
      {"CustomLog", "log_config_module"},
      {"LogFormat", "log_config_module"},
      {"TransferLog", "log_config_module"},
      {"AddType", "mime_module"},
      {"TypesConfig", "mime_module"},
      {"DirectoryIndex", "dir_module"},
      {"RequestReadTimeout", "reqtimeout_module"},
      {"LoadModule", "so_module"},
      {"ThreadsPerChild", "mpm_event_module"},
      {"Listen", "mpm_event_module"},
      {"User", "unixd_module"},
      {"Require", "authz_core_module"},
      {"<RequireAny", "authz_core_module"},
  };
  for (const auto& [directive, module] : expected) {
    const cfg::DirectiveSpec* d = cfg::find_directive(directive);
    ASSERT_NE(d, nullptr) << directive;
    EXPECT_EQ(d->module, module) << directive;
  }
}

TEST(ModuleRegistry, OverrideClassesAreHttpds) {
  EXPECT_EQ(cfg::find_directive("Require")->overrides, cfg::kOverrideAuthConfig);
  EXPECT_EQ(cfg::find_directive("SetHandler")->overrides, cfg::kOverrideFileInfo);
  EXPECT_EQ(cfg::find_directive("AddType")->overrides, cfg::kOverrideFileInfo);
  EXPECT_EQ(cfg::find_directive("ErrorDocument")->overrides, cfg::kOverrideFileInfo);
  EXPECT_EQ(cfg::find_directive("DirectoryIndex")->overrides, cfg::kOverrideIndexes);
  EXPECT_EQ(cfg::find_directive("LimitRequestBody")->overrides, cfg::kOverrideAll);
  EXPECT_EQ(cfg::find_directive("Listen")->overrides, cfg::kOverrideNone);
  EXPECT_EQ(cfg::find_directive("<Location")->overrides, cfg::kOverrideNone);
}

TEST(ModuleRegistry, FindsModulesByNameAndSourceFile) {
  const Module* alias = find_module("alias_module");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(find_module("mod_alias.c"), alias);
  EXPECT_EQ(alias->source, "mod_alias.c");
  EXPECT_GE(module_index(*alias), 0);
  EXPECT_EQ(all_modules()[static_cast<size_t>(module_index(*alias))], alias);
  EXPECT_EQ(all_modules().front()->name, "core_module");
  EXPECT_NE(find_module("event.c"), nullptr);
  EXPECT_EQ(find_module("proxy_module"), nullptr);
  EXPECT_EQ(find_module("mod_proxy.c"), nullptr);
  EXPECT_EQ(find_module("alias"), nullptr);
  EXPECT_TRUE(module_active("mime_module"));
  EXPECT_TRUE(module_active("mod_mime.c"));
  EXPECT_TRUE(module_active("mod_alias.c"));  // ScriptAlias
  EXPECT_TRUE(module_active("cgid_module"));
  EXPECT_TRUE(module_active("mod_so.c")) << "LoadModule is honoured";
  EXPECT_TRUE(module_active("mod_logio.c"));
  EXPECT_FALSE(module_active("mod_version.c")) << "no <IfVersion>";
  EXPECT_EQ(match_module("mod_mpm_event.c"), find_module("mpm_event_module"));
  EXPECT_EQ(match_module("mod_proxy.c"), nullptr);
  EXPECT_TRUE(is_known_module("mime_module"));
  EXPECT_TRUE(is_known_module("http_core.c"));
  EXPECT_FALSE(is_known_module("php_module"));
}

}  // namespace
}  // namespace tern
