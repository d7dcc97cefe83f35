// <If>'s expressions (an ap_expr subset): what they evaluate to for a request, and what is
// refused when the configuration is read rather than evaluated as false.

#include "modules/if_expr.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

class IfExprTest : public ::testing::Test {
 protected:
  IfExprTest() {
    req_.method_name = "GET";
    req_.query = "a=1";
    req_.request_line = "GET /p?a=1 HTTP/1.1";
    req_.headers = {{"Host", "www.example.com"}, {"User-Agent", "curl/7.88"}};
    ctx_.client_ip = "10.1.2.3";
    ctx_.local_port = 8080;
    c_.req = &req_;
    c_.ctx = &ctx_;
    c_.url_path = "/docs/a.html";
    c_.filename = "/etc/passwd";
    c_.server_name = "example.com";
  }
  bool eval(const std::string& text) {
    std::string error;
    auto e = IfExpr::parse(text, &error);
    EXPECT_NE(e, nullptr) << text << ": " << error;
    return e && e->eval(c_);
  }
  std::string refused(const std::string& text) {
    std::string error;
    auto e = IfExpr::parse(text, &error);
    EXPECT_EQ(e, nullptr) << text;
    return error;
  }
  Request req_;
  RequestContext ctx_;
  ExprContext c_;
};

TEST_F(IfExprTest, ComparisonsOfVariablesAndStrings) {
  EXPECT_TRUE(eval("%{HTTP_HOST} == 'www.example.com'"));
  EXPECT_FALSE(eval("%{HTTP_HOST} != 'www.example.com'"));
  EXPECT_TRUE(eval("%{REQUEST_METHOD} in { 'GET', 'HEAD' }"));
  EXPECT_FALSE(eval("%{REQUEST_METHOD} in { 'POST' }"));
  EXPECT_TRUE(eval("req('Host') == 'www.example.com' && %{QUERY_STRING} == 'a=1'"));
  EXPECT_TRUE(eval("tolower(http('HOST')) == \"www.example.com\""));
  EXPECT_TRUE(eval("'%{SERVER_PORT}' -eq 8080"));
  EXPECT_TRUE(eval("%{SERVER_PORT} -gt 80 || false"));
  EXPECT_TRUE(eval("'x' . %{REQUEST_METHOD} == 'xGET'"));
  EXPECT_TRUE(eval("!(%{HTTPS} == 'on')"));
  EXPECT_TRUE(eval("%{THE_REQUEST} =~ m#^GET /p#"));
}

TEST_F(IfExprTest, RegexesAddressesFilesAndWildcards) {
  EXPECT_TRUE(eval("%{REQUEST_URI} =~ /^\\/docs\\//"));
  EXPECT_FALSE(eval("%{REQUEST_URI} !~ /\\.html$/"));
  EXPECT_TRUE(eval("%{HTTP_USER_AGENT} =~ /CURL/i"));
  EXPECT_TRUE(eval("-R '10.0.0.0/8'"));
  EXPECT_FALSE(eval("-R '192.168.0.0/16'"));
  EXPECT_TRUE(eval("%{REMOTE_ADDR} -ipmatch '10.1.2.0/24'"));
  EXPECT_TRUE(eval("-f %{REQUEST_FILENAME}"));
  EXPECT_FALSE(eval("-d %{REQUEST_FILENAME}"));
  EXPECT_TRUE(eval("%{REQUEST_URI} -strmatch '/docs/*'"));
  EXPECT_TRUE(eval("-z %{HTTP_REFERER} && -n %{HTTP_HOST}"));
  EXPECT_TRUE(eval("-T 'yes' && ! -T 'off'"));
}

TEST_F(IfExprTest, WhatTernCannotEvaluateIsRefused) {
  EXPECT_EQ(refused("%{NO_SUCH_VARIABLE} == 'x'"), "Variable 'NO_SUCH_VARIABLE' does not exist");
  EXPECT_EQ(refused("%{HTTP_X_TEST} == 'x'"), "Variable 'HTTP_X_TEST' does not exist");
  EXPECT_NE(refused("%{REMOTE_USER} == 'x'").find("not supported by tern"), std::string::npos);
  EXPECT_NE(refused("md5('x') == 'y'").find("md5"), std::string::npos);
  EXPECT_NE(refused("-F '/x'").find("-F"), std::string::npos);
  EXPECT_NE(refused("%{HTTP_HOST} -foo 'x'").find("-foo"), std::string::npos);
  refused("%{HTTP_HOST} == ");
  refused("(true");
  refused("%{HTTP_HOST} =~ /(/");
  refused("%{HTTP_HOST}");
}

}  // namespace
}  // namespace tern
