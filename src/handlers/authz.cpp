#include "handlers/authz.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace tern {

namespace {

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::array<uint8_t, 16> map_v4(const uint8_t v4[4]) {
  std::array<uint8_t, 16> a{};
  std::memcpy(a.data(), kMappedPrefix.data(), 12);
  std::memcpy(a.data() + 12, v4, 4);
  return a;
}

bool parse_int(std::string_view s, int lo, int hi, int& out) {
  if (s.empty() || s.size() > 3) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && out >= lo && out <= hi;
}

// Parses 1-4 dotted decimal octets; `count` gets how many were given.
bool parse_v4_parts(std::string_view s, uint8_t out[4], int& count) {
  count = 0;
  std::memset(out, 0, 4);
  while (true) {
    size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    int v = 0;
    if (count == 4 || !parse_int(part, 0, 255, v)) return false;
    out[count++] = static_cast<uint8_t>(v);
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

}  // namespace

bool IpBlock::contains(const std::array<uint8_t, 16>& a) const {
  int full = prefix / 8;
  if (std::memcmp(a.data(), addr.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (addr[full] & mask);
}

std::optional<std::array<uint8_t, 16>> parse_ip_address(std::string_view text) {
  size_t pct = text.find('%');
  if (pct != std::string_view::npos) text = text.substr(0, pct);
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t v4[4];
  if (inet_pton(AF_INET, buf, v4) == 1) return map_v4(v4);
  std::array<uint8_t, 16> a{};
  if (inet_pton(AF_INET6, buf, a.data()) == 1) return a;
  return std::nullopt;
}

std::optional<IpBlock> parse_ip_block(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  std::optional<std::string_view> mask;
  if (slash != std::string_view::npos) mask = text.substr(slash + 1);
  IpBlock b;
  if (addr.find(':') != std::string_view::npos) {
    auto a = parse_ip_address(addr);
    if (!a || addr.find('%') != std::string_view::npos) return std::nullopt;
    b.addr = *a;
    b.prefix = 128;
    if (mask && !parse_int(*mask, 0, 128, b.prefix)) return std::nullopt;
  } else {
    uint8_t v4[4];
    int count = 0;
    if (!parse_v4_parts(addr, v4, count)) return std::nullopt;
    b.addr = map_v4(v4);
    b.prefix = 96 + 8 * count;  // partial address: "10.1" = 10.1.0.0/16
    if (mask) {
      if (count != 4) return std::nullopt;
      int bits = 0;
      if (mask->find('.') != std::string_view::npos) {
        uint8_t m[4];
        int mc = 0;
        if (!parse_v4_parts(*mask, m, mc) || mc != 4) return std::nullopt;
        uint32_t mv =
            (uint32_t{m[0]} << 24) | (uint32_t{m[1]} << 16) | (uint32_t{m[2]} << 8) | m[3];
        while (bits < 32 && (mv & (0x80000000u >> bits))) ++bits;
        if (bits < 32 && (mv << bits) != 0) return std::nullopt;  // non-contiguous mask
      } else if (!parse_int(*mask, 0, 32, bits)) {
        return std::nullopt;
      }
      b.prefix = 96 + bits;
    }
  }
  // Clear host bits so that comparisons are exact.
  for (int i = 0; i < 16; ++i) {
    int keep = b.prefix - 8 * i;
    if (keep >= 8) continue;
    b.addr[i] &= keep <= 0 ? uint8_t{0} : static_cast<uint8_t>(0xff << (8 - keep));
  }
  return b;
}

bool CompiledRequire::compile_node(const RequireRule& rule, Node& node, std::string* error) {
  node.kind = rule.kind;
  node.negated = rule.negated;
  node.users = rule.users;
  for (const std::string& ip : rule.ips) {
    auto b = parse_ip_block(ip);
    if (!b) {
      if (error) *error = "Require ip: invalid address or network '" + ip + "'";
      return false;
    }
    node.blocks.push_back(*b);
  }
  for (const RequireRule& child : rule.children) {
    node.children.emplace_back();
    if (!compile_node(child, node.children.back(), error)) return false;
  }
  return true;
}

namespace {

// True when `rule` or a rule inside it is `Require ssl-verify-client`.
bool uses_client_verify(const RequireRule& rule) {
  if (rule.kind == RequireRule::Kind::kSslVerifyClient) return true;
  for (const RequireRule& c : rule.children) {
    if (uses_client_verify(c)) return true;
  }
  return false;
}

}  // namespace

std::optional<CompiledRequire> CompiledRequire::compile(const RequireRule& rule,
                                                        std::string* error) {
  CompiledRequire c;
  if (!compile_node(rule, c.root_, error)) return std::nullopt;
  c.needs_client_verify_ = uses_client_verify(rule);
  return c;
}

AuthzResult CompiledRequire::eval_leaf(const Node& node, const Input& in) {
  using Kind = RequireRule::Kind;
  switch (node.kind) {
    case Kind::kAllGranted:
      return AuthzResult::kGranted;
    case Kind::kIp:
      if (in.client) {
        for (const IpBlock& b : node.blocks) {
          if (b.contains(*in.client)) return AuthzResult::kGranted;
        }
      }
      return AuthzResult::kDenied;
    case Kind::kLocal:
      if (in.client) {
        static const IpBlock kLoop4 = *parse_ip_block("127.0.0.0/8");
        static const IpBlock kLoop6 = *parse_ip_block("::1");
        if (kLoop4.contains(*in.client) || kLoop6.contains(*in.client) ||
            (in.local && *in.local == *in.client))
          return AuthzResult::kGranted;
      }
      return AuthzResult::kDenied;
    case Kind::kValidUser:
      // mod_authz_user's validuser_check_authorization.
      return *in.user ? AuthzResult::kGranted : AuthzResult::kDeniedNoUser;
    case Kind::kUser:
      // mod_authz_user's user_check_authorization: exact (case-sensitive) names.
      if (!*in.user) return AuthzResult::kDeniedNoUser;
      for (const std::string& name : node.users) {
        if (name == **in.user) return AuthzResult::kGranted;
      }
      return AuthzResult::kDenied;
    case Kind::kSslVerifyClient:
      // mod_ssl's ssl_authz_verify_client_check: a certificate that verified (GENEROUS,
      // optional_no_ca's acceptance of an unverified one, is not enough).
      return in.client_verify == "SUCCESS" ? AuthzResult::kGranted : AuthzResult::kDenied;
    case Kind::kSsl:
      // mod_ssl's ssl_authz_require_ssl_check.
      return in.tls ? AuthzResult::kGranted : AuthzResult::kDenied;
    case Kind::kAllDenied:
    case Kind::kAll:
    case Kind::kAny:
      break;
  }
  return AuthzResult::kDenied;
}

AuthzResult CompiledRequire::eval(const Node& node, const Input& in) {
  using Kind = RequireRule::Kind;
  AuthzResult r = AuthzResult::kNeutral;
  if (node.kind != Kind::kAll && node.kind != Kind::kAny) {
    r = eval_leaf(node, in);
  } else {
    // httpd's apply_authz_sections: a denial that a user might change (DENIED_NO_USER)
    // wins over a plain one in RequireAny and loses to it in RequireAll.
    const bool all = node.kind == Kind::kAll;
    for (const Node& c : node.children) {
      const AuthzResult cr = eval(c, in);
      if (cr == AuthzResult::kNeutral) continue;
      if (all) {
        if (cr == AuthzResult::kDenied) {
          r = cr;
          break;
        }
        if ((cr == AuthzResult::kDeniedNoUser && r != AuthzResult::kDenied) ||
            r == AuthzResult::kNeutral)
          r = cr;
      } else {
        if (cr == AuthzResult::kGranted) {
          r = cr;
          break;
        }
        if ((cr == AuthzResult::kDeniedNoUser && r == AuthzResult::kDenied) ||
            r == AuthzResult::kNeutral)
          r = cr;
      }
    }
  }
  if (node.negated) {
    // httpd: `Require not X` denies when X grants and is neutral otherwise.
    r = r == AuthzResult::kGranted ? AuthzResult::kDenied : AuthzResult::kNeutral;
  }
  return r;
}

AuthzResult CompiledRequire::check(std::string_view client_ip, std::string_view local_ip,
                                   const std::optional<std::string>& user,
                                   std::string_view client_verify, bool tls) const {
  Input in;
  in.client_verify = client_verify;
  in.tls = tls;
  in.client = parse_ip_address(client_ip);
  in.local = parse_ip_address(local_ip);
  in.user = &user;
  return eval(root_, in);
}

bool CompiledRequire::allows(std::string_view client_ip, std::string_view local_ip) const {
  return check(client_ip, local_ip, std::nullopt) == AuthzResult::kGranted;
}

}  // namespace tern
