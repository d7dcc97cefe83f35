#include "server/listen_notice.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "log/error_log.h"

namespace tern {

std::string listen_addresses(const std::vector<int>& fds) {
  std::string out;
  for (int fd : fds) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    bool v6 = ss.ss_family == AF_INET6;
    if (v6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
      ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
      port = ntohs(a->sin6_port);
    } else if (ss.ss_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
      ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
      port = ntohs(a->sin_port);
    } else {
      continue;
    }
    if (!out.empty()) out += ", ";
    out += v6 ? "[" + std::string(host) + "]" : std::string(host);
    out += ":" + std::to_string(port);
  }
  return out;
}

void log_serving_notices(const std::vector<int>& fds) {
  ErrorLog::write(LogLevel::kNotice, "mpm_event",
                  "tern/" TERN_VERSION " configured -- resuming normal operations");
  ErrorLog::write(LogLevel::kNotice, "core", "listening on " + listen_addresses(fds));
}

}  // namespace tern
