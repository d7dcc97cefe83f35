// format_address: the text of IPv4, v4-mapped and IPv6 socket addresses, as inet_ntop.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <random>
#include <string>

#include "net/socket.h"

namespace tern {
namespace {

std::string v4_text(uint32_t host_order, uint16_t port, uint16_t* got_port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(host_order);
  a.sin_port = htons(port);
  char buf[INET6_ADDRSTRLEN];
  *got_port = format_address(reinterpret_cast<const sockaddr*>(&a), buf, sizeof buf);
  return buf;
}

std::string ntop4(uint32_t host_order) {
  in_addr in{htonl(host_order)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &in, buf, sizeof buf);
  return buf;
}

TEST(FormatAddress, Ipv4AsInetNtop) {
  uint16_t port = 0;
  EXPECT_EQ(v4_text(0x7f000001, 8080, &port), "127.0.0.1");
  EXPECT_EQ(port, 8080);
  EXPECT_EQ(v4_text(0, 0, &port), "0.0.0.0");
  EXPECT_EQ(v4_text(0xffffffff, 65535, &port), "255.255.255.255");
  EXPECT_EQ(port, 65535);
  EXPECT_EQ(v4_text(0x0a09630b, 1, &port), "10.9.99.11");
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    const uint32_t a = rng();
    ASSERT_EQ(v4_text(a, 80, &port), ntop4(a)) << a;
  }
  for (uint32_t v = 0; v < 256; ++v) {
    const uint32_t a = v << 24 | v << 16 | (255 - v) << 8 | v;
    ASSERT_EQ(v4_text(a, 80, &port), ntop4(a)) << a;
  }
}

TEST(FormatAddress, V4MappedIpv6ShowsTheIpv4AndIpv6AsInetNtop) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(443);
  ASSERT_EQ(inet_pton(AF_INET6, "::ffff:192.168.10.200", &a.sin6_addr), 1);
  char buf[INET6_ADDRSTRLEN];
  EXPECT_EQ(format_address(reinterpret_cast<const sockaddr*>(&a), buf, sizeof buf), 443);
  EXPECT_STREQ(buf, "192.168.10.200");
  ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::1", &a.sin6_addr), 1);
  format_address(reinterpret_cast<const sockaddr*>(&a), buf, sizeof buf);
  EXPECT_STREQ(buf, "2001:db8::1");
}

TEST(FormatAddress, SmallBufferIsTruncatedAndTerminated) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(0xc0a80a01);  // 192.168.10.1
  char buf[6];
  std::memset(buf, 'x', sizeof buf);
  format_address(reinterpret_cast<const sockaddr*>(&a), buf, sizeof buf);
  EXPECT_EQ(buf[sizeof buf - 1], '\0');
  EXPECT_STREQ(buf, "192.1");
}

}  // namespace
}  // namespace tern
