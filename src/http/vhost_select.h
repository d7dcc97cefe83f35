#pragma once
// httpd 2.4's virtual host selection (server/vhost.c), as a table built once: first the
// connection's local address and port choose an address chain (an exact IP:port, then the
// IP with any port, then `*:port`, then `*:*`; none: the main server), then the Host name
// chooses among the chain's vhosts by ServerName, ServerAlias (wildcards `*` `?`), then
// the address as written; no Host or no match: the first vhost of the chain. Lookups
// allocate nothing.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

// What the selector knows of one virtual host.
struct VhostNames {
  struct Address {
    std::string ip;          // "" = any address (`*`, `_default_`); else as inet_ntop writes it
    uint16_t port = 0;       // 0 = any port
    std::string as_written;  // matched against Host when no name matches (httpd's virthost)
  };
  std::vector<Address> addresses;
  std::string server_name;           // without a port
  std::vector<std::string> aliases;  // ServerAlias names, with wildcards as written
};

// The site index a request is served by: 0 = the main server, i = virtual host i - 1.
class VhostSelector {
 public:
  // An empty selector: every request goes to the main server.
  VhostSelector() = default;
  // Builds the chains from `vhosts` in configuration order.
  explicit VhostSelector(const std::vector<VhostNames>& vhosts);

  // The site for a request on `local_ip`:`local_port` (as inet_ntop writes it; an
  // IPv4-mapped IPv6 address counts as IPv4) with Host `host` (may carry a port or be
  // empty).
  size_t select(std::string_view local_ip, uint16_t local_port, std::string_view host) const;

  // The address chains, for `tern -S` (httpd's DUMP_VHOSTS): each with the vhosts (indexes
  // as select() returns) that share the address, the default one first.
  struct Chain {
    std::string ip;  // "" = any
    uint16_t port = 0;
    std::vector<size_t> sites;
  };
  // Exact-address chains, then wildcard ones, each in configuration order.
  const std::vector<Chain>& ip_chains() const { return ip_chains_; }
  const std::vector<Chain>& wildcard_chains() const { return wild_chains_; }

 private:
  const Chain* find_chain(std::string_view ip, uint16_t port) const;
  bool matches(size_t site, std::string_view host) const;

  std::vector<Chain> ip_chains_;
  std::vector<Chain> wild_chains_;
  std::vector<VhostNames> vhosts_;
};

// httpd's ap_strcasecmp_match: true when `s` matches `pattern` (`*` any run, `?` one
// character), ignoring ASCII case.
bool wildcard_match_nocase(std::string_view s, std::string_view pattern);

}  // namespace tern
