#include "config/directives_vhost.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <memory>

#include "config/config_values.h"

namespace tern::cfg {

namespace {

// Directives httpd refuses inside <VirtualHost> (ap_check_cmd_context(cmd, GLOBAL_ONLY)
// in core.c, listen.c, mpm_common.c, event.c, mod_unixd.c, scoreboard.c, util_mutex.c),
// plus LoadModule (mod_so reads it before any section) and <VirtualHost> itself.
constexpr std::string_view kGlobalOnly[] = {"ServerRoot",
                                            "DefaultRuntimeDir",
                                            "PidFile",
                                            "Listen",
                                            "ListenBacklog",
                                            "AcceptFilter",
                                            "ServerTokens",
                                            "RegexDefaultOptions",
                                            "Mutex",
                                            "LoadModule",
                                            "User",
                                            "Group",
                                            "ScoreBoardFile",
                                            "ExtendedStatus",
                                            "StartServers",
                                            "MinSpareThreads",
                                            "MaxSpareThreads",
                                            "MaxRequestWorkers",
                                            "MaxClients",
                                            "ThreadsPerChild",
                                            "ServerLimit",
                                            "ThreadLimit",
                                            "AsyncRequestWorkerFactor",
                                            "MaxConnectionsPerChild",
                                            "MaxRequestsPerChild",
                                            "GracefulShutdownTimeout",
                                            "ScriptSock",
                                            "<VirtualHost",
                                            "CoreDumpDirectory",
                                            "MaxMemFree",
                                            "ThreadStackSize"};

// Server-level settings httpd applies per vhost that tern reads from the main server only
// (they are the connection's, chosen before the Host header is read), with the reason.
struct MainOnly {
  std::string_view name;
  std::string_view reason;
};
constexpr std::string_view kConnectionLevel =
    "tern applies the main server's value to every connection";
constexpr MainOnly kMainOnly[] = {
    {"KeepAlive", kConnectionLevel},
    {"KeepAliveTimeout", kConnectionLevel},
    {"MaxKeepAliveRequests", kConnectionLevel},
    {"Timeout", kConnectionLevel},
    {"LimitRequestLine", kConnectionLevel},
    {"LimitRequestFieldSize", kConnectionLevel},
    {"LimitRequestFields", kConnectionLevel},
    {"LimitRequestBody", kConnectionLevel},
    {"EnableSendfile", kConnectionLevel},
    {"RequestReadTimeout", kConnectionLevel},
    {"ErrorLog", "tern writes every vhost's errors to the main server's ErrorLog"},
    {"LogLevel", "tern logs every vhost's errors at the main server's LogLevel"},
    {"TypesConfig", "httpd reads only the main server's TypesConfig"},
};

// Resolves `host` (a literal or a name) into its addresses as inet_ntop writes them.
std::string resolve(const std::string& host, std::vector<std::string>& ips) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) return gai_strerror(rc);
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(res, &::freeaddrinfo);
  for (const addrinfo* a = res; a != nullptr; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (::inet_ntop(a->ai_family, src, buf, sizeof buf) == nullptr) continue;
    bool dup = false;
    for (const std::string& i : ips) dup = dup || i == buf;
    if (!dup) ips.emplace_back(buf);
  }
  return ips.empty() ? "no address" : "";
}

// True for the addresses httpd treats as "any" (0.0.0.0 and ::).
bool is_any_address(std::string_view ip) {
  return ip == "0.0.0.0" || ip == "::";
}

}  // namespace

std::string parse_vhost_address(std::string_view w, std::vector<VhostAddress>& out) {
  if (w.empty()) return "";
  bool wild_port = false;
  if (w == "*") {
    wild_port = true;
  } else if (w.ends_with(":*")) {
    w.remove_suffix(2);
    wild_port = true;
  }
  std::string host;
  std::string_view port_part;
  if (w.front() == '[') {
    const size_t close = w.find(']');
    if (close == std::string_view::npos) return "The address or port is invalid";
    host = std::string(w.substr(1, close - 1));
    if (close + 1 < w.size()) {
      if (w[close + 1] != ':') return "The address or port is invalid";
      port_part = w.substr(close + 2);
    }
  } else {
    const size_t colon = w.rfind(':');
    // More than one colon without brackets: an IPv6 literal without a port.
    if (colon != std::string_view::npos && w.find(':') == colon) {
      host = std::string(w.substr(0, colon));
      port_part = w.substr(colon + 1);
    } else {
      host = std::string(w);
    }
  }
  if (host.empty()) return "Missing address for VirtualHost";
  uint16_t port = 0;
  if (!port_part.empty() || (w.back() == ':' && !wild_port)) {
    long long p = 0;
    if (!parse_int(port_part, 1, 65535, p).empty()) return "The address or port is invalid";
    port = static_cast<uint16_t>(p);
  }
  VhostAddress a;
  a.port = port;
  a.as_written = host;
  if (host == "*" || iequals(host, "_default_")) {
    out.push_back(std::move(a));
    return "";
  }
  std::vector<std::string> ips;
  std::string err = resolve(host, ips);
  // httpd: "Could not resolve host name %s -- ignoring!" (AH00547) and goes on.
  if (!err.empty()) return "";
  for (std::string& ip : ips) {
    VhostAddress b = a;
    if (!is_any_address(ip)) b.ip = std::move(ip);
    out.push_back(std::move(b));
  }
  return "";
}

std::string open_virtual_host(BuildState& st, const Cmd& c) {
  VhostDraft d;
  for (const Word& w : c.args) {
    const size_t before = d.addresses.size();
    std::string err = parse_vhost_address(w.text, d.addresses);
    if (!err.empty()) return err + " ('" + shorten(w.text) + "')";
    // Each unresolved name is reported, not only a section left with no address at all.
    if (d.addresses.size() == before && !w.text.empty())
      st.warn({c.file, c.line},
              "AH00547: Could not resolve host name " + shorten(w.text) + " -- ignoring!");
  }
  if (d.addresses.empty())
    st.warn({c.file, c.line},
            "AH00547: Could not resolve any address of <VirtualHost> -- it is never chosen");
  d.file = c.file;
  d.line = c.line;
  st.vhosts.push_back(std::move(d));
  st.recording = static_cast<int>(st.vhosts.size() - 1);
  return "";
}

std::string close_virtual_host(BuildState& st, const Cmd&) {
  st.recording = -1;
  return "";
}

std::string set_server_alias(BuildState& st, const Cmd& c) {
  if (!st.in_vhost) return "ServerAlias only used in <VirtualHost>";
  // httpd keeps wildcard names apart (wild_names); tern matches both from one list.
  for (const Word& w : c.args) st.cfg.server_aliases.push_back(w.text);
  return "";
}

bool allowed_in_context(std::string_view name, unsigned contexts, unsigned ctx) {
  if (ctx != kCtxVirtualHost) return (contexts & ctx) != 0;
  if ((contexts & (kCtxServer | kCtxVirtualHost)) == 0) return false;
  return !is_global_only(name);
}

bool is_global_only(std::string_view name) {
  for (std::string_view g : kGlobalOnly) {
    if (iequals(g, name)) return true;
  }
  return false;
}

std::string_view main_server_only(std::string_view name) {
  for (const MainOnly& m : kMainOnly) {
    if (iequals(m.name, name)) return m.reason;
  }
  return "";
}

}  // namespace tern::cfg
