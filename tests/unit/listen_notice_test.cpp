#include "server/listen_notice.h"

#include <gtest/gtest.h>

#include "net/socket.h"

namespace tern {
namespace {

TEST(ListenNotice, NamesEveryBoundAddressWithItsPort) {
  std::string err;
  UniqueFd v4 = open_listen_socket("127.0.0.1", 0, 16, &err);
  ASSERT_TRUE(v4) << err;
  std::string p4 = std::to_string(bound_port(v4.get()));
  EXPECT_EQ(listen_addresses({v4.get()}), "127.0.0.1:" + p4);
  UniqueFd v6 = open_listen_socket("::1", 0, 16, &err);
  if (!v6) GTEST_SKIP() << "no IPv6 loopback: " << err;
  std::string p6 = std::to_string(bound_port(v6.get()));
  EXPECT_EQ(listen_addresses({v4.get(), v6.get()}), "127.0.0.1:" + p4 + ", [::1]:" + p6);
}

TEST(ListenNotice, SkipsWhatIsNotASocket) {
  EXPECT_EQ(listen_addresses({-1}), "");
}

}  // namespace
}  // namespace tern
