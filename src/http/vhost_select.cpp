#include "http/vhost_select.h"

#include "http/char_class.h"

#include "http/request.h"

namespace tern {

namespace {

using chars::to_lower;

// The host of a Host value without its port, brackets or trailing dots (fix_hostname).
std::string_view host_only(std::string_view h) {
  if (!h.empty() && h.front() == '[') {
    const size_t close = h.find(']');
    return close == std::string_view::npos ? h : h.substr(1, close - 1);
  }
  const size_t colon = h.find(':');
  if (colon != std::string_view::npos && h.find(':', colon + 1) == std::string_view::npos)
    h = h.substr(0, colon);
  while (!h.empty() && h.back() == '.') h.remove_suffix(1);
  return h;
}

// An IPv4-mapped IPv6 address as its IPv4 form (apr_sockaddr_equal treats them as equal).
std::string_view unmapped(std::string_view ip) {
  constexpr std::string_view kMapped = "::ffff:";
  if (ip.size() > kMapped.size() && iequals(ip.substr(0, kMapped.size()), kMapped) &&
      ip.find('.') != std::string_view::npos)
    ip.remove_prefix(kMapped.size());
  return ip;
}

}  // namespace

bool wildcard_match_nocase(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || (p[pi] != '*' && to_lower(p[pi]) == to_lower(s[si])))) {
      ++si;
      ++pi;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

VhostSelector::VhostSelector(const std::vector<VhostNames>& vhosts) : vhosts_(vhosts) {
  for (size_t i = 0; i < vhosts_.size(); ++i) {
    const size_t site = i + 1;
    for (VhostNames::Address& a : vhosts_[i].addresses) {
      a.ip = std::string(unmapped(a.ip));
      std::vector<Chain>& chains = a.ip.empty() ? wild_chains_ : ip_chains_;
      Chain* found = nullptr;
      for (Chain& c : chains) {
        if (c.ip == a.ip && c.port == a.port) found = &c;
      }
      if (found == nullptr) {
        chains.push_back(Chain{a.ip, a.port, {site}});
      } else if (found->sites.back() != site) {
        found->sites.push_back(site);
      }
    }
  }
}

const VhostSelector::Chain* VhostSelector::find_chain(std::string_view ip, uint16_t port) const {
  ip = unmapped(ip);
  const Chain* any_port = nullptr;
  for (const Chain& c : ip_chains_) {
    if (c.ip != ip) continue;
    if (c.port == port) return &c;
    if (any_port == nullptr && c.port == 0) any_port = &c;
  }
  if (any_port != nullptr) return any_port;
  for (const Chain& c : wild_chains_) {
    if (c.port == port) return &c;
    if (any_port == nullptr && c.port == 0) any_port = &c;
  }
  return any_port;
}

bool VhostSelector::matches(size_t site, std::string_view host) const {
  const VhostNames& v = vhosts_[site - 1];
  if (iequals(v.server_name, host)) return true;
  for (const std::string& a : v.aliases) {
    if (a.find_first_of("*?") != std::string::npos ? wildcard_match_nocase(host, a)
                                                   : iequals(a, host))
      return true;
  }
  return false;
}

size_t VhostSelector::select(std::string_view local_ip, uint16_t local_port,
                             std::string_view host) const {
  if (vhosts_.empty()) return 0;
  const Chain* chain = find_chain(local_ip, local_port);
  if (chain == nullptr) return 0;
  // One vhost on the address: IP-based, the Host is not looked at.
  if (chain->sites.size() == 1 || host.empty()) return chain->sites.front();
  host = host_only(host);
  for (size_t site : chain->sites) {
    if (matches(site, host)) return site;
  }
  // httpd's fallback: the name as written on the <VirtualHost> line.
  for (size_t site : chain->sites) {
    for (const VhostNames::Address& a : vhosts_[site - 1].addresses) {
      if (a.ip == chain->ip && a.port == chain->port && iequals(a.as_written, host)) return site;
    }
  }
  return chain->sites.front();
}

}  // namespace tern
