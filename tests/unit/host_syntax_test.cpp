#include "http/host_syntax.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

TEST(HostSyntax, Valid) {
  for (const char* s :
       {"example.com", "example.com:80", "a-b_c.~x", "127.0.0.1", "127.0.0.1:0", "[::1]",
        "[::1]:65535", "[2001:db8::1]", "[::ffff:192.0.2.1]:8080", "[1:2:3:4:5:6:7:8]",
        "[1:2:3:4:5:6:1.2.3.4]", "[v1.fe:x]", "%41b", "", "a!$&'()*+,;=b", "EXAMPLE.COM:00080"}) {
    EXPECT_TRUE(valid_host_port(s, false, false)) << s;
  }
}

TEST(HostSyntax, Invalid) {
  for (const char* s : {"a b",
                        "a/b",
                        "a?b",
                        "a#b",
                        "u@h",
                        "a:",
                        "a:65536",
                        "a:123456",
                        "a:-1",
                        "a:8x",
                        "[::1",
                        "::1]",
                        "[::1]x",
                        "[::1]:",
                        "[1::2::3]",
                        "[1:2:3:4:5:6:7:8:9]",
                        "[1:2:3:4:5:6:7]",
                        "[:1:2:3:4:5:6:7]",
                        "[1:2:3:4:5:6:7:]",
                        "[12345::]",
                        "[::1.2.3.256]",
                        "[::1.2.3]",
                        "[::01.2.3.4]",
                        "[fe80::1%25eth0]",
                        "[g::]",
                        "%4",
                        "%zz",
                        "a\x01",
                        "a\x80",
                        "[v.x]",
                        "[v1.]"}) {
    EXPECT_FALSE(valid_host_port(s, false, false)) << s;
  }
}

TEST(HostSyntax, RequireHostAndPort) {
  EXPECT_FALSE(valid_host_port("", true, false));
  EXPECT_FALSE(valid_host_port(":80", true, false));
  EXPECT_TRUE(valid_host_port(":80", false, false));
  EXPECT_FALSE(valid_host_port("a", false, true));
  EXPECT_TRUE(valid_host_port("a:1", false, true));
  EXPECT_TRUE(valid_host_port("[::1]:1", true, true));
  EXPECT_FALSE(valid_host_port("[::1]", true, true));
}

TEST(HostSyntax, Ipv6) {
  EXPECT_TRUE(valid_ipv6("::"));
  EXPECT_TRUE(valid_ipv6("1::"));
  EXPECT_TRUE(valid_ipv6("::2:3"));
  EXPECT_FALSE(valid_ipv6(":"));
  EXPECT_FALSE(valid_ipv6(":::"));
  EXPECT_FALSE(valid_ipv6("1:::2"));
  EXPECT_FALSE(valid_ipv6(""));
}

}  // namespace
}  // namespace tern
