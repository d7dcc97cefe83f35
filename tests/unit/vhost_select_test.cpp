#include "http/vhost_select.h"

#include <gtest/gtest.h>

namespace tern {
namespace {

// A vhost on `addrs` ("ip:port" pairs as VhostNames::Address) named `name`.
VhostNames vh(std::vector<VhostNames::Address> addrs, std::string name,
              std::vector<std::string> aliases = {}) {
  VhostNames v;
  v.addresses = std::move(addrs);
  v.server_name = std::move(name);
  v.aliases = std::move(aliases);
  return v;
}

VhostNames::Address any(uint16_t port) {
  return {"", port, "*"};
}

TEST(VhostSelect, NoVhostsIsTheMainServer) {
  VhostSelector s;
  EXPECT_EQ(s.select("127.0.0.1", 80, "a.example"), 0u);
}

TEST(VhostSelect, NameBasedOnOneAddress) {
  VhostSelector s({vh({any(80)}, "a.example"), vh({any(80)}, "b.example", {"www.b.example"}),
                   vh({any(80)}, "c.example", {"*.c.example", "c?.example"})});
  EXPECT_EQ(s.select("127.0.0.1", 80, "a.example"), 1u);
  EXPECT_EQ(s.select("127.0.0.1", 80, "B.Example:80"), 2u);
  EXPECT_EQ(s.select("127.0.0.1", 80, "www.b.example"), 2u);
  EXPECT_EQ(s.select("127.0.0.1", 80, "x.y.c.example"), 3u);
  EXPECT_EQ(s.select("127.0.0.1", 80, "c1.example"), 3u);
  EXPECT_EQ(s.select("127.0.0.1", 80, "c12.example"), 1u);  // `?` is one character
  EXPECT_EQ(s.select("127.0.0.1", 80, "c.example."), 3u);   // trailing dot
  // Unknown Host and no Host (HTTP/1.0): the first vhost listed for the address.
  EXPECT_EQ(s.select("127.0.0.1", 80, "nope.example"), 1u);
  EXPECT_EQ(s.select("127.0.0.1", 80, ""), 1u);
  // A port no vhost covers: the main server.
  EXPECT_EQ(s.select("127.0.0.1", 8080, "b.example"), 0u);
}

TEST(VhostSelect, ExactAddressBeatsWildcardEvenWhenNameDoesNotMatch) {
  VhostSelector s({vh({any(80)}, "w.example"), vh({{"127.0.0.1", 80, "127.0.0.1"}}, "ip.example"),
                   vh({{"127.0.0.1", 0, "127.0.0.1"}}, "anyport.example")});
  // One vhost on 127.0.0.1:80: IP-based, the Host is not looked at.
  EXPECT_EQ(s.select("127.0.0.1", 80, "w.example"), 2u);
  EXPECT_EQ(s.select("127.0.0.2", 80, "ip.example"), 1u);
  // The IP with any port before `*:port`.
  EXPECT_EQ(s.select("127.0.0.1", 81, "w.example"), 3u);
  EXPECT_EQ(s.select("127.0.0.2", 81, "w.example"), 0u);
  // IPv4-mapped IPv6 is the IPv4 address.
  EXPECT_EQ(s.select("::ffff:127.0.0.1", 80, ""), 2u);
}

TEST(VhostSelect, WildcardPortAndDefault) {
  VhostSelector s({vh({any(0)}, "star.example"), vh({any(8080)}, "p.example"),
                   vh({{"::1", 8080, "::1"}}, "v6.example")});
  EXPECT_EQ(s.select("10.0.0.1", 9999, "p.example"), 1u);  // `*` = any address, any port
  EXPECT_EQ(s.select("10.0.0.1", 8080, "star.example"), 2u);
  EXPECT_EQ(s.select("::1", 8080, "star.example"), 3u);
}

TEST(VhostSelect, NameFallsBackToTheAddressAsWritten) {
  VhostSelector s({vh({{"127.0.0.1", 80, "127.0.0.1"}}, "a.example"),
                   vh({{"127.0.0.1", 80, "127.0.0.1"}}, "b.example")});
  EXPECT_EQ(s.select("127.0.0.1", 80, "127.0.0.1"), 1u);
  EXPECT_EQ(s.select("127.0.0.1", 80, "b.example"), 2u);
  ASSERT_EQ(s.ip_chains().size(), 1u);
  EXPECT_EQ(s.ip_chains()[0].sites, (std::vector<size_t>{1, 2}));
}

TEST(VhostSelect, DefaultIsAnAliasOfStar) {
  VhostSelector s({vh({{"", 80, "_default_"}}, "d.example"), vh({any(80)}, "s.example")});
  EXPECT_EQ(s.select("127.0.0.1", 80, "s.example"), 2u);
  EXPECT_EQ(s.select("127.0.0.1", 80, "x"), 1u);
  EXPECT_EQ(s.wildcard_chains().size(), 1u);
}

TEST(VhostSelect, WildcardMatch) {
  EXPECT_TRUE(wildcard_match_nocase("WWW.Example.COM", "*.example.com"));
  EXPECT_TRUE(wildcard_match_nocase("a", "*"));
  EXPECT_TRUE(wildcard_match_nocase("abc", "a*c"));
  EXPECT_TRUE(wildcard_match_nocase("abbbc", "a*b*c"));
  EXPECT_FALSE(wildcard_match_nocase("example.com", "*.example.com"));
  EXPECT_FALSE(wildcard_match_nocase("ab", "a?c"));
  EXPECT_TRUE(wildcard_match_nocase("", "*"));
}

}  // namespace
}  // namespace tern
