#pragma once
// Listen sockets and small socket helpers.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "net/unique_fd.h"

namespace tern {

// Opens a non-blocking listening TCP socket on `host`:`port` ("" = every
// address, IPv6 dual-stack when available). On failure returns an empty fd and
// sets `*error`.
UniqueFd open_listen_socket(const std::string& host, uint16_t port, int backlog,
                            std::string* error);

// Writes the textual address of `sa` into `out` (at least INET6_ADDRSTRLEN
// bytes) and returns the port. IPv4-mapped IPv6 addresses print as IPv4.
uint16_t format_address(const sockaddr* sa, char* out, size_t out_size);

// The port a bound socket listens on (0 on error).
uint16_t bound_port(int fd);

// Enables TCP_NODELAY on `fd`; failures are ignored.
void set_tcp_nodelay(int fd);

// httpd's AcceptFilter on Linux: with `on`, the listening socket `fd` hands a connection
// to accept() only once the client has sent data (TCP_DEFER_ACCEPT, 30 s as httpd; a
// client silent that long is accepted then); off clears it. False on failure.
bool set_defer_accept(int fd, bool on);

}  // namespace tern
