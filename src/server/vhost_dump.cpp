#include "server/vhost_dump.h"

#include <unistd.h>

#include <climits>
#include <cstdio>

namespace tern {

namespace {

// The host of a ServerName value ("name", "name:port", "[::1]:80") without the port.
std::string host_part(const std::string& name) {
  if (!name.empty() && name.front() == '[') return name.substr(1, name.find(']') - 1);
  return name.substr(0, name.find(':'));
}

// A vhost's ServerName without port; the machine's name when there is none (httpd's
// ap_get_local_host for a main server without ServerName).
std::string shown_name(const std::string& server_name) {
  if (!server_name.empty()) return host_part(server_name);
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// printf into a std::string (one line of the listing).
template <class... A>
std::string fmt(const char* f, A... a) {
  char buf[1024];
  const int n = std::snprintf(buf, sizeof buf, f, a...);
  return std::string(buf, n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof buf - 1));
}

// One chain, as dump_a_vhost prints it.
std::string dump_chain(const Config& c, const VhostSelector::Chain& chain) {
  std::string addr = chain.ip.empty() ? "*:" + std::to_string(chain.port)
                     : chain.ip.find(':') != std::string::npos
                         ? "[" + chain.ip + "]:" + std::to_string(chain.port)
                         : chain.ip + ":" + std::to_string(chain.port);
  if (chain.port == 0) addr.back() = '*';
  auto name = [&](size_t site) {
    const VirtualHostSpec& v = c.virtual_hosts[site - 1];
    return shown_name(v.config->server_name) + " (" + v.file + ":" + std::to_string(v.line) + ")";
  };
  if (chain.sites.size() == 1)
    return fmt("%-22s %s\n", addr.c_str(), name(chain.sites.front()).c_str());
  std::string out = fmt("%-22s is a NameVirtualHost\n%8s default server %s\n", addr.c_str(), "",
                        name(chain.sites.front()).c_str());
  const std::string port = chain.port == 0 ? "*" : std::to_string(chain.port);
  for (size_t site : chain.sites) {
    out += fmt("%8s port %s namevhost %s\n", "", port.c_str(), name(site).c_str());
    const std::vector<std::string>& aliases = c.virtual_hosts[site - 1].config->server_aliases;
    for (const std::string& a : aliases) {
      if (a.find_first_of("*?") == std::string::npos) out += fmt("%16s alias %s\n", "", a.c_str());
    }
    for (const std::string& a : aliases) {
      if (a.find_first_of("*?") != std::string::npos)
        out += fmt("%16s wild alias %s\n", "", a.c_str());
    }
  }
  return out;
}

}  // namespace

std::vector<VhostNames> vhost_names(const Config& config) {
  std::vector<VhostNames> names;
  for (const VirtualHostSpec& spec : config.virtual_hosts) {
    VhostNames n;
    for (const VhostAddress& a : spec.addresses)
      n.addresses.push_back({a.ip, a.port, a.as_written});
    n.server_name = host_part(spec.config->server_name);
    n.aliases = spec.config->server_aliases;
    names.push_back(std::move(n));
  }
  return names;
}

std::string dump_vhosts(const Config& config) {
  const VhostSelector sel(vhost_names(config));
  std::string out = "VirtualHost configuration:\n";
  for (const VhostSelector::Chain& c : sel.ip_chains()) out += dump_chain(config, c);
  for (const VhostSelector::Chain& c : sel.wildcard_chains()) out += dump_chain(config, c);
  out += "ServerRoot: \"" + config.server_root + "\"\n";
  out += "Main DocumentRoot: \"" + config.document_root + "\"\n";
  out += "Main ErrorLog: \"" + config.error_log + "\"\n";
  out += "PidFile: \"" + config.pid_file + "\"\n";
  return out;
}

}  // namespace tern
