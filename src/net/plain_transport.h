#pragma once
// The plaintext transport: the socket itself (read, sendmsg, sendfile, shutdown).

#include "net/transport.h"

namespace tern {

// A TCP (or any stream) socket used as it is.
class PlainTransport final : public Transport {
 public:
  // Takes ownership of the non-blocking socket `fd`; `peer`, `local` are its addresses.
  PlainTransport(UniqueFd fd, const sockaddr* peer, const sockaddr* local)
      : Transport(std::move(fd), peer, local) {}

  // One read(2).
  IoResult read(std::span<char> buf) override;
  // One sendmsg(2) with MSG_NOSIGNAL (and MSG_MORE when `more`).
  IoResult writev(std::span<const iovec> iov, bool more) override;
  // One sendfile(2) of at most 1 GiB.
  IoResult send_file(int file_fd, uint64_t offset, size_t len) override;
  // Always true.
  bool can_send_file() const override { return true; }
  // shutdown(SHUT_WR).
  void shutdown_write() override;
  // Always false: nothing is held above the socket.
  bool has_buffered_input() const override { return false; }
  // FIONREAD on the socket.
  bool has_unread_input() const override;
  // Always true: read() is one read(2).
  bool reads_socket_directly() const override { return true; }
  // "http".
  std::string_view scheme() const override { return "http"; }
};

// The factory of plain transports (every listen socket today).
const TransportFactory& plain_transport_factory();

}  // namespace tern
