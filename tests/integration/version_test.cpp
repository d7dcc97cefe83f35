// `tern -v` and server-status report the same build: one version, one build time.

#include <string>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

// The value after `key` on its line of `text` ("" when absent), blanks trimmed.
std::string value_of(const std::string& text, const std::string& key) {
  size_t at = text.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  size_t end = text.find('\n', at);
  std::string v = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
  return v;
}

TEST(Version, DashVAndServerStatusAgree) {
  ProcessResult v = run_process({TERN_BINARY, "-v"});
  ASSERT_EQ(v.exit_code, 0) << v.output;
  std::string version = value_of(v.output, "Server version:");
  std::string built = value_of(v.output, "Server built:");
  EXPECT_EQ(version.rfind("tern/", 0), 0u) << v.output;
  // httpd's form, "2026-11-12T08:58:41".
  ASSERT_EQ(built.size(), 19u) << v.output;
  EXPECT_EQ(built[4], '-');
  EXPECT_EQ(built[10], 'T');
  EXPECT_EQ(built[16], ':');

  Server s;
  ASSERT_TRUE(s.start("<Location /server-status>\nSetHandler server-status\n</Location>\n"))
      << s.log();
  auto r = fetch(s.port(), "GET /server-status?auto HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(value_of(r->body, "Server Built:"), built) << r->body;
  EXPECT_EQ(value_of(r->body, "ServerVersion:"), version) << r->body;
  auto html = fetch(s.port(), "GET /server-status HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(html);
  EXPECT_NE(html->body.find(built), std::string::npos) << html->body;
}

}  // namespace
}  // namespace tern::test
