#include "modules/cgi/cgi_redirect.h"

#include <gtest/gtest.h>

#include <string>

namespace tern {
namespace {

TEST(CgiRedirect, CopiesTheRequestAndMakesAGetWithoutBodyFraming) {
  std::string name = "Content-Length", value = "4", host = "example.org";
  Request req;
  req.method = Method::kPost;
  req.method_name = "POST";
  req.target = "/cgi-bin/x?y";
  req.path = "/cgi-bin/x";
  req.query = "y";
  req.has_query = true;
  req.host = host;
  req.content_length = 4;
  req.headers = {{"Host", host}, {name, value}, {"Accept", "text/plain"}};
  std::string ip = "10.0.0.1";
  RequestContext ctx;
  ctx.client_ip = ip;
  ctx.client_port = 1234;
  RedirectRequest r(req, ctx);
  // The copy does not depend on the original buffers.
  ip.assign("xxxxxxxx");
  host.assign("zzzzzzzzzzz");
  EXPECT_EQ(r.ctx().client_ip, "10.0.0.1");
  EXPECT_EQ(r.original().host, "example.org");
  const Request& get = r.make_get("/new/path?a=b");
  EXPECT_EQ(get.method, Method::kGet);
  EXPECT_EQ(get.method_name, "GET");
  EXPECT_EQ(get.path, "/new/path");
  EXPECT_EQ(get.query, "a=b");
  EXPECT_TRUE(get.has_query);
  EXPECT_FALSE(get.content_length);
  EXPECT_FALSE(get.has_body());
  ASSERT_EQ(get.headers.size(), 2u);
  EXPECT_EQ(get.header("Host"), "example.org");
  EXPECT_FALSE(get.header("Content-Length"));
  EXPECT_FALSE(r.make_get("/plain").has_query);
}

}  // namespace
}  // namespace tern
