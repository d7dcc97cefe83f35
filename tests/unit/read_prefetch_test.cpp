// ReadPrefetch over non-blocking socketpairs: one fetch() reads every socket once and
// reports each one's bytes, an empty socket's would-block, the end of a closed peer's
// input and a read that fills its room, and the ring is reused across fetches.

#include "net/read_prefetch.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "net/unique_fd.h"

namespace tern {
namespace {

struct Pair {
  UniqueFd ours;
  UniqueFd peer;
};

Pair make_pair() {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
  return Pair{UniqueFd(sv[0]), UniqueFd(sv[1])};
}

std::string bytes_of(const PrefetchedRead& r) {
  return r.result > 0 ? std::string(r.data, static_cast<size_t>(r.result)) : std::string();
}

TEST(ReadPrefetch, ReadsEachSocketOnceInOneFetch) {
  ReadPrefetch prefetch;
  std::vector<Pair> pairs;
  for (int i = 0; i < 4; ++i) pairs.push_back(make_pair());
  ASSERT_EQ(::write(pairs[0].peer.get(), "GET /a HTTP/1.1\r\n\r\n", 19), 19);
  ASSERT_EQ(::write(pairs[1].peer.get(), "x", 1), 1);
  // pairs[2]: nothing sent. pairs[3]: the peer closed.
  pairs[3].peer.reset();
  int fds[4];
  for (int i = 0; i < 4; ++i) fds[i] = pairs[static_cast<size_t>(i)].ours.get();
  ASSERT_TRUE(prefetch.fetch(fds, 4)) << "io_uring refused: see kernel.io_uring_disabled";
  EXPECT_EQ(bytes_of(prefetch.result(0)), "GET /a HTTP/1.1\r\n\r\n");
  EXPECT_EQ(bytes_of(prefetch.result(1)), "x");
  EXPECT_EQ(prefetch.result(2).result, -EAGAIN);  // no waiting for data
  EXPECT_EQ(prefetch.result(3).result, 0);        // end of input
  for (int i = 0; i < 4; ++i) EXPECT_EQ(prefetch.result(i).capacity, ReadPrefetch::kReadBytes);
  // The bytes were taken off the sockets: a read of them now finds nothing.
  char c;
  EXPECT_EQ(::read(fds[0], &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);

  // Again on the same ring: the new bytes, and a read that fills its room.
  const std::string big(ReadPrefetch::kReadBytes + 100, 'b');
  ASSERT_EQ(::write(pairs[2].peer.get(), big.data(), big.size()), static_cast<ssize_t>(big.size()));
  ASSERT_EQ(::write(pairs[0].peer.get(), "next", 4), 4);
  const int again[2] = {fds[2], fds[0]};
  ASSERT_TRUE(prefetch.fetch(again, 2));
  EXPECT_EQ(prefetch.result(0).result, static_cast<ssize_t>(ReadPrefetch::kReadBytes));
  EXPECT_EQ(bytes_of(prefetch.result(0)), big.substr(0, ReadPrefetch::kReadBytes));
  EXPECT_EQ(bytes_of(prefetch.result(1)), "next");
  // What did not fit stays in the socket for the caller's own read.
  char rest[200];
  EXPECT_EQ(::read(fds[2], rest, sizeof rest), 100);
}

TEST(ReadPrefetch, RefusesMoreSocketsThanItsRing) {
  ReadPrefetch prefetch;
  std::vector<int> fds(ReadPrefetch::kMaxReads + 1, -1);
  EXPECT_FALSE(prefetch.fetch(fds.data(), static_cast<int>(fds.size())));
  EXPECT_FALSE(prefetch.fetch(fds.data(), 0));
}

}  // namespace
}  // namespace tern
