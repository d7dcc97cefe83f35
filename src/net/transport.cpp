#include "net/transport.h"

#include <cstring>

#include "net/socket.h"

namespace tern {

Transport::Transport(UniqueFd fd, const sockaddr* peer, const sockaddr* local)
    : fd_(std::move(fd)) {
  addr_.peer_port = format_address(peer, addr_.peer_ip, sizeof addr_.peer_ip);
  addr_.local_port = format_address(local, addr_.local_ip, sizeof addr_.local_ip);
  addr_.peer_ip_len = static_cast<uint8_t>(std::strlen(addr_.peer_ip));
  addr_.local_ip_len = static_cast<uint8_t>(std::strlen(addr_.local_ip));
}

}  // namespace tern
