#pragma once
// Parsing helpers for directive arguments: numbers, flags, durations, listen
// addresses, Require ip blocks and paths. Each returns an error message ("" = ok).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::cfg {

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

// ASCII lower-case copy.
std::string to_lower(std::string_view s);

// Parses a decimal integer in [lo, hi]; rejects signs where lo >= 0, junk and overflow.
std::string parse_int(std::string_view s, long long lo, long long hi, long long& out);

// Parses On/Off (case-insensitive) into `out`.
std::string parse_flag(std::string_view s, bool& out);

// Parses a time: N (seconds, or `default_unit` "ms"), or N followed by ms, s, mi or h.
std::string parse_duration(std::string_view s, std::chrono::milliseconds& out);

// Parses a positive decimal number such as "2" or "1.5".
std::string parse_positive_decimal(std::string_view s, double& out);

// Parses Listen's `port`, `addr:port`, `*:port` or `[v6addr]:port`; host "" = any.
std::string parse_listen_address(std::string_view s, std::string& host, uint16_t& port);

// Validates one `Require ip` argument: IPv4 (full or partial like "10.1"), IPv6,
// optionally with /prefix or (IPv4) /netmask.
std::string validate_require_ip(std::string_view s);

// Validates `host[:port]` where a host name is required (ServerName, the authority of
// an ErrorDocument URL): a DNS name (labels of letters, digits, '-' and '_', 1..63
// bytes each, 253 in all, one trailing dot allowed), an IPv4 address or a bracketed
// IPv6 address; the port is 1..65535.
std::string validate_host_port(std::string_view s);

}  // namespace tern::cfg
