#include "net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tern {

UniqueFd open_listen_socket(const std::string& host, uint16_t port, int backlog,
                            std::string* error) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET6;
  if (host.empty()) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    a6->sin6_family = AF_INET6;
    a6->sin6_addr = in6addr_any;
    a6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
  } else if (host.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    a6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) != 1) {
      *error = "invalid IPv6 address '" + host + "'";
      return {};
    }
    a6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    a4->sin_family = AF_INET;
    family = AF_INET;
    if (inet_pton(AF_INET, host.c_str(), &a4->sin_addr) != 1) {
      *error = "invalid IPv4 address '" + host + "'";
      return {};
    }
    a4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
  }
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd && host.empty() && errno == EAFNOSUPPORT) {
    // No IPv6 on this host: fall back to IPv4 any.
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    std::memset(&ss, 0, sizeof ss);
    a4->sin_family = AF_INET;
    a4->sin_addr.s_addr = htonl(INADDR_ANY);
    a4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    family = AF_INET;
    fd.reset(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  }
  if (!fd) {
    *error = std::string("socket: ") + std::strerror(errno);
    return {};
  }
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) {
    int v6only = host.empty() ? 0 : 1;
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    *error = "could not bind to address " +
             (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
             std::to_string(port) + ": " + std::strerror(errno);
    return {};
  }
  if (::listen(fd.get(), backlog) != 0) {
    *error = std::string("listen: ") + std::strerror(errno);
    return {};
  }
  return fd;
}

namespace {

// Dotted-quad text of the four bytes at `b` (what inet_ntop writes; glibc's goes through
// sprintf, about 1,700 instructions, and every connection formats two addresses).
void format_ipv4(const unsigned char* b, char* out, size_t out_size) {
  char text[INET_ADDRSTRLEN];
  size_t n = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned v = b[i];
    if (v >= 100) text[n++] = static_cast<char>('0' + v / 100);
    if (v >= 10) text[n++] = static_cast<char>('0' + v / 10 % 10);
    text[n++] = static_cast<char>('0' + v % 10);
    text[n++] = i < 3 ? '.' : '\0';
  }
  if (out_size == 0) return;
  const size_t len = std::min(n, out_size);
  std::memcpy(out, text, len);
  out[len - 1] = '\0';
}

}  // namespace

uint16_t format_address(const sockaddr* sa, char* out, size_t out_size) {
  if (sa->sa_family == AF_INET) {
    const auto* a4 = reinterpret_cast<const sockaddr_in*>(sa);
    format_ipv4(reinterpret_cast<const unsigned char*>(&a4->sin_addr), out, out_size);
    return ntohs(a4->sin_port);
  }
  if (sa->sa_family == AF_INET6) {
    const auto* a6 = reinterpret_cast<const sockaddr_in6*>(sa);
    if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
      format_ipv4(&a6->sin6_addr.s6_addr[12], out, out_size);
    } else {
      inet_ntop(AF_INET6, &a6->sin6_addr, out, out_size);
    }
    return ntohs(a6->sin6_port);
  }
  if (out_size > 0) out[0] = '\0';
  return 0;
}

uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  char buf[INET6_ADDRSTRLEN];
  return format_address(reinterpret_cast<sockaddr*>(&ss), buf, sizeof buf);
}

bool set_defer_accept(int fd, bool on) {
  int seconds = on ? 30 : 0;
  return ::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds) == 0;
}

void set_tcp_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace tern
