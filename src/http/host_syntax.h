#pragma once
// Syntax of an authority's host and port (RFC 3986 §3.2.2-3.2.3), as used in Host and targets.

#include <string_view>

namespace tern {

// True when `s` is `host [ ":" port ]`: host is a reg-name (unreserved / pct-encoded /
// sub-delims, may be empty unless `require_host`), an IPv4 address or an IP-literal
// ("[" IPv6address / IPvFuture "]"); port is 1*5 DIGIT <= 65535 (required when `require_port`).
bool valid_host_port(std::string_view s, bool require_host, bool require_port);

// True when `s` is an RFC 3986 IPv6address (no brackets, no zone id).
bool valid_ipv6(std::string_view s);

}  // namespace tern
