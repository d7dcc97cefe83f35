// The configuration tern ships (conf/tern.conf) works as README describes it:
// only its port is changed here.

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

std::string shipped_config() {
  std::ifstream in(std::string(TERN_SOURCE_DIR) + "/conf/tern.conf");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An IPv4 address of this host outside 127.0.0.0/8 ("" when it has none).
std::string non_loopback_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* a = list; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) continue;
    char buf[INET_ADDRSTRLEN];
    if (::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf)) found = buf;
  }
  ::freeifaddrs(list);
  return found;
}

// The status of GET `path` from `source` (nullptr: 127.0.0.1); 0 on failure.
int status_of(int port, const std::string& path, const char* source = nullptr) {
  Client c(port, "127.0.0.1", source);
  if (!c.connected() ||
      !c.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) {
    return 0;
  }
  auto r = c.read_response();
  return r ? r->status : 0;
}

TEST(ShippedConfig, ServesStatusAndMetricsToLocalClientsOnly) {
  const std::string listen = "\nListen 127.0.0.1:8080\n";
  std::string conf = shipped_config();
  ASSERT_NE(conf.find(listen), std::string::npos) << conf;
  Server s;
  s.put("index.html", "hello\n");
  ASSERT_TRUE(s.start_config([&](int port) {
    std::string c = conf;
    c.replace(c.find(listen), listen.size(), "\nListen 127.0.0.1:" + std::to_string(port) + "\n");
    return c;
  })) << s.log();
  auto metrics = fetch(s.port(), "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics->body.find("\ntern_requests_total "), std::string::npos) << metrics->body;
  EXPECT_EQ(status_of(s.port(), "/server-status?auto"), 200);
  // "Require local" on both: a client of this host that is not on the loopback
  // network (the server's address differs from it) is refused.
  std::string other = non_loopback_address();
  if (other.empty()) {
    std::cout << "[ NOTE     ] no non-loopback address: Require local not exercised\n";
    return;
  }
  EXPECT_EQ(status_of(s.port(), "/metrics", other.c_str()), 403);
  EXPECT_EQ(status_of(s.port(), "/server-status?auto", other.c_str()), 403);
  EXPECT_EQ(status_of(s.port(), "/index.html", other.c_str()), 200);
}

}  // namespace
}  // namespace tern::test
