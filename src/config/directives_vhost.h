#pragma once
// <VirtualHost> and ServerAlias (core.c's virtualhost_section, set_server_alias), and the
// context rule of a <VirtualHost> body: every server-config directive except those httpd
// allows only globally (GLOBAL_ONLY). Internal to src/config.

#include <string>
#include <string_view>
#include <vector>

#include "config/build_state.h"

namespace tern::cfg {

// <VirtualHost addr[:port] …>: parses the addresses and starts recording the body.
std::string open_virtual_host(BuildState&, const Cmd&);
// </VirtualHost>: stops recording.
std::string close_virtual_host(BuildState&, const Cmd&);
// ServerAlias name …: more names (wildcards `*` `?`) of the <VirtualHost> being applied.
std::string set_server_alias(BuildState&, const Cmd&);

// True when a directive `name` whose row allows `contexts` may appear in `ctx` (the
// context of the enclosing section body): a <VirtualHost> body accepts the server-config
// directives that httpd does not limit to the main server.
bool allowed_in_context(std::string_view name, unsigned contexts, unsigned ctx);

// True for a directive httpd allows only in the main server (GLOBAL_ONLY in its handler):
// in <VirtualHost> it is "cannot occur within <VirtualHost> section".
bool is_global_only(std::string_view name);

// Parses one <VirtualHost> address ("*", "*:80", "_default_", "10.0.0.1:8080",
// "[::1]:8080", "host:port", "addr:*") into `out` (a host name resolves to each of its
// addresses); an error message or "".
std::string parse_vhost_address(std::string_view word, std::vector<VhostAddress>& out);

// Why a directive read inside a <VirtualHost> has no effect there in tern (the main
// server's value applies to every connection), or "" when it applies per vhost.
std::string_view main_server_only(std::string_view name);

}  // namespace tern::cfg
