// httpd's special environment variables: nokeepalive, downgrade-1.0, force-response-1.0.

#include <gtest/gtest.h>

#include "http/special_env.h"

namespace tern {
namespace {

TEST(SpecialEnv, NoneSetChangesNothing) {
  Request req;
  Response resp;
  req.version_minor = 1;
  SpecialEnv s = special_env(req, resp);
  EXPECT_FALSE(s.close || s.as_http10 || s.status_http10);
  req.version_minor = 0;
  EXPECT_TRUE(special_env(req, resp).as_http10);
}

TEST(SpecialEnv, NoKeepAliveClosesUnlessProxied) {
  Request req;
  Response resp;
  resp.set_env("nokeepalive", "1");
  EXPECT_TRUE(special_env(req, resp).close);
  req.headers = {{"Via", "1.1 proxy"}};
  EXPECT_FALSE(special_env(req, resp).close);
}

TEST(SpecialEnv, ForceResponseOnlyForHttp10) {
  Request req;
  Response resp;
  resp.set_env("force-response-1.0", "1");
  req.version_minor = 1;
  EXPECT_FALSE(special_env(req, resp).status_http10);
  req.version_minor = 0;
  SpecialEnv s = special_env(req, resp);
  EXPECT_TRUE(s.status_http10);
  EXPECT_TRUE(s.close);
}

TEST(SpecialEnv, DowngradeTreatsHttp11As10) {
  Request req;
  Response resp;
  req.version_minor = 1;
  resp.set_env("downgrade-1.0", "1");
  SpecialEnv s = special_env(req, resp);
  EXPECT_TRUE(s.as_http10);
  EXPECT_TRUE(s.close);  // no Connection: keep-alive
  EXPECT_FALSE(s.status_http10);
  req.headers = {{"Connection", "Keep-Alive"}};
  EXPECT_FALSE(special_env(req, resp).close);
  resp.set_env("force-response-1.0", "1");
  EXPECT_TRUE(special_env(req, resp).status_http10);
}

}  // namespace
}  // namespace tern
