#include "config/config_values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>

#include "config/config_lexer.h"
#include "http/host_syntax.h"

namespace tern::cfg {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string parse_int(std::string_view s, long long lo, long long hi, long long& out) {
  std::string_view digits = s;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty()) return "'" + shorten(s) + "' is not a number";
  long long v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range)
    return "'" + shorten(s) + "' is out of range (" + std::to_string(lo) + ".." +
           std::to_string(hi) + ")";
  if (ec != std::errc() || ptr != digits.data() + digits.size())
    return "'" + shorten(s) + "' is not a number";
  if (v < lo || v > hi) {
    if (v < 0 && lo >= 0) return "'" + shorten(s) + "' must not be negative";
    return "'" + shorten(s) + "' is out of range (" + std::to_string(lo) + ".." +
           std::to_string(hi) + ")";
  }
  out = v;
  return "";
}

std::string parse_flag(std::string_view s, bool& out) {
  if (iequals(s, "on")) {
    out = true;
  } else if (iequals(s, "off")) {
    out = false;
  } else {
    return "must be On or Off";
  }
  return "";
}

std::string parse_duration(std::string_view s, std::chrono::milliseconds& out) {
  size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
  if (n == 0) return "'" + shorten(s) + "' is not a valid time";
  std::string_view unit = s.substr(n);
  long long mult = 1000;
  if (unit.empty() || iequals(unit, "s")) {
    mult = 1000;
  } else if (iequals(unit, "ms")) {
    mult = 1;
  } else if (iequals(unit, "mi")) {
    mult = 60'000;
  } else if (iequals(unit, "h")) {
    mult = 3'600'000;
  } else {
    return "'" + shorten(s) + "' has an unknown time unit (use ms, s, mi or h)";
  }
  long long v = 0;
  const long long max = std::numeric_limits<int>::max();
  std::string err = parse_int(s.substr(0, n), 0, max, v);
  if (!err.empty()) return err;
  out = std::chrono::milliseconds(v * mult);
  return "";
}

std::string parse_positive_decimal(std::string_view s, double& out) {
  size_t i = 0;
  long long whole = 0;
  double frac = 0, scale = 0.1;
  bool digits = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    whole = whole * 10 + (s[i] - '0');
    if (whole > 1'000'000) return "'" + shorten(s) + "' is too large";
    digits = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      frac += (s[i] - '0') * scale;
      scale /= 10;
      digits = true;
      ++i;
    }
  }
  if (!digits || i != s.size()) return "'" + shorten(s) + "' is not a decimal number";
  double v = static_cast<double>(whole) + frac;
  if (v <= 0) return "'" + shorten(s) + "' must be positive";
  out = v;
  return "";
}

static bool is_ipv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

static bool is_ipv6(const std::string& s) {
  in6_addr a{};
  return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

std::string parse_listen_address(std::string_view s, std::string& host, uint16_t& port) {
  std::string_view port_part;
  std::string h;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address '" + shorten(s) + "'";
    h = std::string(s.substr(1, close - 1));
    if (!is_ipv6(h)) return "'" + shorten(h) + "' is not a valid IPv6 address";
    if (close + 1 >= s.size() || s[close + 1] != ':')
      return "port number is missing in '" + shorten(s) + "'";
    port_part = s.substr(close + 2);
  } else {
    size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) {
      port_part = s;
    } else {
      if (s.find(':') != colon)
        return "IPv6 address '" + shorten(s) + "' must be written in [brackets]";
      h = std::string(s.substr(0, colon));
      port_part = s.substr(colon + 1);
      if (h == "*") {
        h.clear();
      } else if (!is_ipv4(h)) {
        return "'" + shorten(h) +
               "' is not a numeric IPv4 address (tern does not resolve host names)";
      }
    }
  }
  if (port_part.empty()) return "port number is missing in '" + shorten(s) + "'";
  long long p = 0;
  std::string err = parse_int(port_part, 1, 65535, p);
  if (!err.empty()) return "port " + err;
  host = h;
  port = static_cast<uint16_t>(p);
  return "";
}

static bool valid_partial_ipv4(std::string_view s) {
  // 1 to 4 dot-separated octets, httpd accepts "10", "10.1", "10.1.2" (and a trailing dot).
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
  int parts = 0;
  while (true) {
    size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    long long v = 0;
    if (part.empty() || part.size() > 3 || !parse_int(part, 0, 255, v).empty() || part[0] == '+')
      return false;
    if (++parts > 4) return false;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return true;
}

std::string validate_require_ip(std::string_view s) {
  const std::string bad = "'" + shorten(s) + "' is not a valid IP address or network";
  size_t slash = s.find('/');
  std::string addr(s.substr(0, slash));
  std::string_view mask = slash == std::string_view::npos ? "" : s.substr(slash + 1);
  if (addr.find(':') != std::string::npos) {
    if (!is_ipv6(addr)) return bad;
    long long bits = 0;
    if (slash != std::string_view::npos && !parse_int(mask, 0, 128, bits).empty())
      return "'" + shorten(s) + "' has an invalid IPv6 prefix length (0..128)";
    return "";
  }
  if (slash == std::string_view::npos) return valid_partial_ipv4(addr) ? "" : bad;
  if (!is_ipv4(addr)) return bad;
  long long bits = 0;
  if (mask.find('.') != std::string_view::npos) {
    in_addr m{};
    if (inet_pton(AF_INET, std::string(mask).c_str(), &m) != 1)
      return "'" + shorten(s) + "' has an invalid netmask";
    uint32_t v = ntohl(m.s_addr);
    uint32_t inv = ~v;
    if ((inv & (inv + 1)) != 0) return "'" + shorten(s) + "' has a non-contiguous netmask";
    return "";
  }
  if (!parse_int(mask, 0, 32, bits).empty())
    return "'" + shorten(s) + "' has an invalid IPv4 prefix length (0..32)";
  return "";
}

std::string validate_host_port(std::string_view s) {
  const std::string bad = "'" + shorten(s) + "' is not a valid host[:port]";
  std::string_view host = s;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return bad;
    host = s.substr(0, close + 1);
    if (host.size() < s.size() && s[host.size()] != ':') return bad;
  } else if (const size_t colon = s.rfind(':'); colon != std::string_view::npos) {
    host = s.substr(0, colon);
  }
  if (host.size() < s.size()) {
    long long port = 0;
    std::string err = parse_int(s.substr(host.size() + 1), 1, 65535, port);
    if (!err.empty()) return "port " + err;
  }
  if (host.empty()) return bad;
  if (host.front() == '[') return valid_host_port(host, true, false) ? "" : bad;
  if (host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > 253) return bad;
  size_t label = 0;
  for (char c : host) {
    if (c == '.') {
      if (label == 0) return bad;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      if (++label > 63) return bad;
    } else {
      return bad;
    }
  }
  return label == 0 ? bad : "";
}

}  // namespace tern::cfg
