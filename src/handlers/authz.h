#pragma once
// Host-based authorization (mod_authz_core + mod_authz_host semantics).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tern {

// An address block: 16 bytes (IPv4 as ::ffff:a.b.c.d) and a prefix length 0..128.
struct IpBlock {
  std::array<uint8_t, 16> addr{};
  int prefix = 128;
  // True when `a` (16 bytes, IPv4 mapped) lies inside the block.
  bool contains(const std::array<uint8_t, 16>& a) const;
};

// Parses a `Require ip` argument: IPv4 ("10.1.2.3"), partial IPv4 ("10.1" = 10.1.0.0/16),
// IPv4 CIDR or netmask ("10.0.0.0/8", "10.0.0.0/255.0.0.0"), IPv6 with optional /prefix.
std::optional<IpBlock> parse_ip_block(std::string_view text);

// Parses a textual address (IPv4, IPv6, IPv6 with %zone) into 16 bytes, IPv4 mapped.
std::optional<std::array<uint8_t, 16>> parse_ip_address(std::string_view text);

// The result of a Require rule (httpd's authz_status).
enum class AuthzResult {
  kDenied,
  kGranted,
  kNeutral,
  kDeniedNoUser,  // denied, but an authenticated user may change the answer
};

// A RequireRule compiled once at start-up; evaluation allocates nothing.
class CompiledRequire {
 public:
  // Compiles `rule`; nullopt and `*error` set when an ip argument is invalid.
  static std::optional<CompiledRequire> compile(const RequireRule& rule, std::string* error);
  // httpd's apply_authz_sections for the request from `client_ip` to `local_ip` by
  // `user` (nullopt: no user authenticated yet, httpd's r->user == NULL).
  // `client_verify` is the connection's SSL_CLIENT_VERIFY ("" on a plain connection);
  // `tls`: the request came over TLS.
  AuthzResult check(std::string_view client_ip, std::string_view local_ip,
                    const std::optional<std::string>& user, std::string_view client_verify = {},
                    bool tls = false) const;
  // True when check() without a user grants (httpd: a neutral or denied result at the
  // top is a 403).
  bool allows(std::string_view client_ip, std::string_view local_ip) const;
  // True when a rule reads the client certificate's verification (ssl-verify-client):
  // the caller then passes SSL_CLIENT_VERIFY to check().
  bool needs_client_verify() const { return needs_client_verify_; }

 private:
  struct Node {
    RequireRule::Kind kind = RequireRule::Kind::kAllGranted;
    bool negated = false;
    std::vector<IpBlock> blocks;
    std::vector<std::string> users;
    std::vector<Node> children;
  };
  // What a provider sees of the request.
  struct Input {
    std::optional<std::array<uint8_t, 16>> client;
    std::optional<std::array<uint8_t, 16>> local;
    const std::optional<std::string>* user = nullptr;
    std::string_view client_verify;  // SSL_CLIENT_VERIFY, "" without TLS
    bool tls = false;                // the request came over TLS
  };
  static bool compile_node(const RequireRule& rule, Node& node, std::string* error);
  static AuthzResult eval(const Node& node, const Input& in);
  static AuthzResult eval_leaf(const Node& node, const Input& in);
  Node root_;
  bool needs_client_verify_ = false;
};

}  // namespace tern
