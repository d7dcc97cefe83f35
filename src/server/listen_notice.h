#pragma once
// The start-up notices: httpd's AH00489 "configured -- resuming normal
// operations" and a notice naming the addresses the server listens on, so that
// the error log (and the terminal, see main.cpp) says where to connect.

#include <string>
#include <vector>

namespace tern {

// "127.0.0.1:8080, [::]:8080": the addresses the bound sockets `fds` listen on.
std::string listen_addresses(const std::vector<int>& fds);

// Logs "tern/<version> configured -- resuming normal operations" and
// "listening on <addresses>" at notice (written whatever LogLevel says).
void log_serving_notices(const std::vector<int>& fds);

}  // namespace tern
