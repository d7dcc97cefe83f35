// mod_env: SetEnv, UnsetEnv and PassEnv as read from a configuration and merged over
// <Location> sections into the request's environment (the fixups hook).

#include <gtest/gtest.h>
#include <stdlib.h>

#include "config_test_util.h"
#include "handlers/site_handler.h"

namespace tern {
namespace {

class ModEnv : public testing::ConfigTest {
 protected:
  // The request environment SiteHandler leaves for GET `path` under `conf`.
  std::vector<std::pair<std::string, std::string>> env_for(const std::string& conf,
                                                           const std::string& path) {
    dir.mkdir("htdocs");
    auto c = ok("DocumentRoot " + dir.path() + "/htdocs\n" + conf);
    std::string error;
    auto h = SiteHandler::create(c, &error);
    EXPECT_TRUE(h) << error;
    if (!h) return {};
    Request req;
    req.method = Method::kGet;
    req.method_name = "GET";
    req.path = path;
    req.host = "example.com";
    RequestContext ctx{"192.0.2.7", 40000, "192.0.2.1", 80};
    Response resp;
    h->handle(req, ctx, resp);
    return resp.env;
  }
  using Env = std::vector<std::pair<std::string, std::string>>;
};

TEST_F(ModEnv, ServerLevelSetEnvReachesEveryRequest) {
  EXPECT_EQ(env_for("SetEnv FOO bar\nSetEnv EMPTY\n", "/missing"),
            (Env{{"FOO", "bar"}, {"EMPTY", ""}}));
  EXPECT_EQ(env_for("", "/missing"), Env{});
}

TEST_F(ModEnv, LocationsMergeInHttpdsOrder) {
  const std::string conf =
      "SetEnv A server\nSetEnv B server\n"
      "<Location /x>\nSetEnv a location\nUnsetEnv B\nSetEnv C x\nUnsetEnv C\n</Location>\n";
  // Names are case-insensitive as in httpd's tables: "a" replaces A's value.
  EXPECT_EQ(env_for(conf, "/x/y"), (Env{{"A", "location"}}));
  EXPECT_EQ(env_for(conf, "/other"), (Env{{"A", "server"}, {"B", "server"}}));
}

TEST_F(ModEnv, PassEnvTakesTernsEnvironmentAndWarnsWhenUndefined) {
  ::setenv("TERN_MOD_ENV_TEST", "from the shell", 1);
  ::unsetenv("TERN_MOD_ENV_UNDEFINED");
  LoadResult r = testing::load("PassEnv TERN_MOD_ENV_TEST TERN_MOD_ENV_UNDEFINED\n", dir.path());
  ASSERT_TRUE(r.config) << r.error;
  bool warned = false;
  for (const std::string& w : r.config->warnings)
    warned |= w.find("AH01506: PassEnv variable TERN_MOD_ENV_UNDEFINED was undefined") !=
              std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_EQ(env_for("PassEnv TERN_MOD_ENV_TEST\n", "/"),
            (Env{{"TERN_MOD_ENV_TEST", "from the shell"}}));
}

TEST_F(ModEnv, RefusesAnEqualsSignInTheName) {
  EXPECT_NE(err("SetEnv FOO=bar\n").find("Spurious usage of '=' in an environment variable name"),
            std::string::npos);
  EXPECT_NE(err("SetEnv\n"), "");
}

}  // namespace
}  // namespace tern
