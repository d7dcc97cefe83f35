#include "http/host_syntax.h"

#include "http/char_class.h"

namespace tern {
namespace {

// IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet
bool valid_ipv4(std::string_view s) {
  int parts = 0;
  while (true) {
    size_t n = 0;
    int value = 0;
    while (n < s.size() && chars::is(s[n], chars::kDigit)) {
      value = value * 10 + (s[n] - '0');
      if (++n > 3) return false;
    }
    if (n == 0 || value > 255 || (n > 1 && s[0] == '0')) return false;
    ++parts;
    s.remove_prefix(n);
    if (parts == 4) return s.empty();
    if (s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
  }
}

// reg-name = *( unreserved / pct-encoded / sub-delims )
// Where the reg-name (unreserved, sub-delims, pct-encoded) at the start of `s` ends.
size_t reg_name_end(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (chars::is(c, chars::kUnreserved | chars::kSubDelim)) continue;
    if (chars::pct_encoded_at(s, i)) {
      i += 2;
      continue;
    }
    return i;
  }
  return s.size();
}

// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
bool valid_ipvfuture(std::string_view s) {
  if (s.size() < 4 || (s[0] != 'v' && s[0] != 'V')) return false;
  size_t i = 1;
  while (i < s.size() && chars::is(s[i], chars::kHex)) ++i;
  if (i == 1 || i >= s.size() || s[i] != '.') return false;
  if (++i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!chars::is(s[i], chars::kUnreserved | chars::kSubDelim) && s[i] != ':') return false;
  }
  return true;
}

}  // namespace

bool valid_ipv6(std::string_view s) {
  // Up to 8 groups of 1-4 hex digits separated by ':', at most one "::", and optionally a
  // trailing IPv4 address counting as two groups.
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && chars::is(s[i], chars::kHex) && i - start < 5) ++i;
    if (i < s.size() && s[i] == '.') {
      // Embedded IPv4 must be last.
      if (!valid_ipv4(s.substr(start))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    const size_t len = i - start;
    if (len == 0 || len > 4) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool valid_host_port(std::string_view s, bool require_host, bool require_port) {
  std::string_view host = s;
  std::string_view port;
  bool has_port = false;
  if (!s.empty() && s[0] == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = s.substr(0, close + 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return false;
      has_port = true;
      port = rest.substr(1);
    }
    const std::string_view literal = host.substr(1, host.size() - 2);
    if (!valid_ipv6(literal) && !valid_ipvfuture(literal)) return false;
  } else {
    // A reg-name (IPv4 addresses are reg-names syntactically) holds no ':', so the host
    // ends at the first byte outside it, which must be the port's ':' or the end.
    const size_t end = reg_name_end(s);
    if (require_host && end == 0) return false;
    if (end < s.size()) {
      if (s[end] != ':') return false;
      port = s.substr(end + 1);
      has_port = true;
    }
  }
  if (has_port) {
    if (port.empty() || port.size() > 5) return false;
    unsigned value = 0;
    for (char c : port) {
      if (!chars::is(c, chars::kDigit)) return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return false;
  } else if (require_port) {
    return false;
  }
  return true;
}

}  // namespace tern
