#include "config/config_values.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>

#include "config/config_lexer.h"
#include "http/host_syntax.h"
#include "net/unique_fd.h"

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

std::string resolve_path(std::string_view root, std::string_view p) {
  std::string r;
  if (!p.empty() && p.front() == '/') {
    r = std::string(p);
  } else {
    r = std::string(root);
    if (r.empty() || r.back() != '/') r += '/';
    r += p;
  }
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  return r;
}

std::string check_parent_directory(const std::string& path, std::string_view what) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
  if (is_directory(dir)) return "";
  return "Cannot access directory '" + dir + "/' for the " + std::string(what);
}

bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

namespace {

// What kind of non-regular file `mode` is, for messages.
const char* file_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "an unknown file type";
}

// True for the character device /dev/null is (compared by device number).
bool is_dev_null(const struct stat& st) {
  struct stat null {};
  return S_ISCHR(st.st_mode) && ::stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) &&
         null.st_rdev == st.st_rdev;
}

}  // namespace

std::string check_readable_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return "could not open configuration file " + path + ": " + std::strerror(errno);
  if (S_ISDIR(st.st_mode))
    return "could not open configuration file " + path + ": " + std::strerror(EISDIR);
  if (!S_ISREG(st.st_mode) && !is_dev_null(st))
    return "could not open configuration file " + path + ": " + file_kind(st.st_mode) +
           ", not a regular file";
  return "";
}

std::string read_text_file(const std::string& path, std::string& out, size_t max_bytes) {
  out.clear();
  // Refuse FIFOs and devices before opening them (an open can block or have effects).
  std::string err = check_readable_file(path);
  if (!err.empty()) return err;
  // O_NONBLOCK: should the path have become a FIFO since, neither open nor read blocks.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return "could not open configuration file " + path + ": " + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return "could not open configuration file " + path + ": " + std::strerror(errno);
  if (is_dev_null(st)) return "";
  if (!S_ISREG(st.st_mode))
    return "could not open configuration file " + path + ": " + file_kind(st.st_mode) +
           ", not a regular file";
  const std::string too_big =
      "configuration file " + path + " is larger than " + std::to_string(max_bytes) + " bytes";
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_big;
  out.resize(static_cast<size_t>(st.st_size));
  size_t have = 0;
  while (true) {
    // The file may have grown since fstat: read until EOF, at most max_bytes + 1.
    if (have == out.size()) {
      if (have > max_bytes) {
        out.clear();
        return too_big;
      }
      out.resize(std::min(max_bytes + 1, std::max<size_t>(have * 2, 4096)));
    }
    const ssize_t n = ::read(fd.get(), out.data() + have, out.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      out.clear();
      return "could not read configuration file " + path + ": " + std::strerror(e);
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  out.resize(have);
  if (have > max_bytes) {
    out.clear();
    return too_big;
  }
  return "";
}

}  // namespace tern::cfg
