// The directives of Basic authentication (mod_authn_core, mod_auth_basic,
// mod_authn_file, mod_authz_user): loaded by Debian's .load lines, refused without
// their modules as httpd refuses them, and their per-directory values merged.

#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "modules/auth/auth_config.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {
namespace {

constexpr const char* kMods = "/usr/lib/apache2/modules";

// Debian's .load lines for `names` (plus the MPM and authz_core).
std::string load_lines(std::initializer_list<const char*> names) {
  std::string s = std::string("LoadModule mpm_event_module ") + kMods + "/mod_mpm_event.so\n" +
                  "LoadModule authz_core_module " + kMods + "/mod_authz_core.so\n";
  for (const char* n : names)
    s += std::string("LoadModule ") + n + "_module " + kMods + "/mod_" + n + ".so\n";
  return s + "Listen 8080\n";
}

class ConfigAuthTest : public ::testing::Test {
 protected:
  LoadResult load(const std::string& text) {
    LoadOptions o;
    o.server_root = dir.path();
    return load_config_text(text, "t.conf", o);
  }
  testing::TempDir dir;
};

TEST_F(ConfigAuthTest, DebianLoadLinesActivateTheModules) {
  LoadResult r = load(load_lines({"auth_basic", "authn_core", "authn_file", "authz_user"}) +
                      "<Location /p>\nAuthType Basic\nAuthName \"a realm\"\n"
                      "AuthBasicProvider file\nAuthBasicAuthoritative Off\n"
                      "AuthUserFile conf/users\nRequire valid-user\nRequire user a b\n"
                      "</Location>\n");
  ASSERT_EQ(r.error, "");
  for (const char* m :
       {"auth_basic_module", "authn_core_module", "authn_file_module", "authz_user_module"})
    EXPECT_TRUE(module_enabled(r.config->active_modules, m)) << m;
  const SectionSpec& s = r.config->sections.back();
  const auto* file = static_cast<const AuthnFileDirConfig*>(
      s.module_dir.at(static_cast<size_t>(module_index(*find_module("authn_file_module")))).get());
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(*file->user_file, dir.path() + "/conf/users");  // ServerRoot-relative
  const auto* core = static_cast<const AuthnCoreDirConfig*>(
      s.module_dir.at(static_cast<size_t>(module_index(*find_module("authn_core_module")))).get());
  ASSERT_NE(core, nullptr);
  EXPECT_EQ(*core->type, "Basic");
  EXPECT_EQ(*core->name, "a realm");
}

TEST_F(ConfigAuthTest, ProvidersNeedTheirModules) {
  // Without authz_user, `Require valid-user` is httpd's unknown provider.
  LoadResult r = load(load_lines({}) + "Require valid-user\n");
  EXPECT_EQ(r.error, "t.conf:4: Require: Unknown Authz provider: valid-user") << r.error;
  r = load(load_lines({}) + "Require user bob\n");
  EXPECT_EQ(r.error, "t.conf:4: Require: Unknown Authz provider: user") << r.error;
  // AuthBasicProvider file needs authn_file; tern has no other provider.
  r = load(load_lines({"auth_basic"}) + "AuthBasicProvider file\n");
  EXPECT_EQ(r.error,
            "t.conf:5: AuthBasicProvider: Unknown Authn provider: file (authn_file_module is not "
            "loaded)");
  r = load(load_lines({"auth_basic", "authn_file"}) + "AuthBasicProvider file dbm\n");
  EXPECT_EQ(r.error,
            "t.conf:6: AuthBasicProvider: Unknown Authn provider: dbm (tern has file only)");
  // AuthType is authn_core's directive: invalid without it, as in httpd.
  r = load(load_lines({"auth_basic"}) + "AuthType Basic\n");
  EXPECT_NE(r.error.find("Invalid command 'AuthType'"), std::string::npos) << r.error;
}

TEST_F(ConfigAuthTest, AuthTypeBasicOrNoneOnly) {
  EXPECT_EQ(load("Listen 8080\nAuthType None\nAuthType bAsIc\n").error, "");
  EXPECT_EQ(load("Listen 8080\nAuthType Digest\n").error,
            "t.conf:2: AuthType: AuthType Digest is not supported by tern (Basic and None are)");
  EXPECT_NE(load("Listen 8080\nAuthType\n").error, "");
  EXPECT_NE(load("Listen 8080\nAuthBasicAuthoritative maybe\n").error, "");
}

TEST_F(ConfigAuthTest, NestedScopesOverrideAsHttpdMerges) {
  AuthnCoreDirConfig base;
  base.type = "Basic";
  base.name = "outer";
  AuthnCoreDirConfig add;
  add.name = "inner";
  auto merged = base.merge(add);
  const auto& m = static_cast<const AuthnCoreDirConfig&>(*merged);
  EXPECT_EQ(*m.type, "Basic");
  EXPECT_EQ(*m.name, "inner");
  AuthBasicDirConfig b1;
  b1.providers = {"file"};
  b1.authoritative = false;
  AuthBasicDirConfig b2;
  auto mb = b1.merge(b2);
  EXPECT_EQ(static_cast<const AuthBasicDirConfig&>(*mb).providers.size(), 1u);
  EXPECT_EQ(static_cast<const AuthBasicDirConfig&>(*mb).authoritative, false);
  AuthnFileDirConfig f1;
  f1.user_file = "/a";
  AuthnFileDirConfig f2;
  f2.user_file = "/b";
  EXPECT_EQ(*static_cast<const AuthnFileDirConfig&>(*f1.merge(f2)).user_file, "/b");
}

}  // namespace
}  // namespace tern
