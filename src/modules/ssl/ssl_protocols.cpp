// SSLProtocol: mod_ssl 2.4's parse, and its min/max version rule applied to an SSL_CTX.

#include "modules/ssl/ssl_protocols.h"

#include <strings.h>

#include <array>

namespace tern::ssl {

namespace {

struct Version {
  unsigned bit;
  const char* name;
  int wire;          // TLS1_x_VERSION
  uint64_t no_flag;  // SSL_OP_NO_*
};

// Lowest first.
constexpr std::array<Version, 4> kVersions{{
    {kProtoTlsV1, "TLSv1", TLS1_VERSION, SSL_OP_NO_TLSv1},
    {kProtoTlsV1_1, "TLSv1.1", TLS1_1_VERSION, SSL_OP_NO_TLSv1_1},
    {kProtoTlsV1_2, "TLSv1.2", TLS1_2_VERSION, SSL_OP_NO_TLSv1_2},
    {kProtoTlsV1_3, "TLSv1.3", TLS1_3_VERSION, SSL_OP_NO_TLSv1_3},
}};

constexpr unsigned kLegacy = kProtoTlsV1 | kProtoTlsV1_1;

bool iequals(const std::string& a, const char* b) {
  return ::strcasecmp(a.c_str(), b) == 0;
}

}  // namespace

std::string parse_ssl_protocol(const std::vector<std::string>& words, SslProtocols* out,
                               std::vector<std::string>* warnings) {
  SslProtocols p;
  for (const std::string& word : words) {
    char action = '\0';
    std::string w = word;
    if (!w.empty() && (w[0] == '+' || w[0] == '-')) {
      action = w[0];
      w.erase(0, 1);
    }
    unsigned bit = 0;
    if (iequals(w, "SSLv2")) {
      if (action == '-') continue;
      return "SSLProtocol: SSLv2 is no longer supported";
    } else if (iequals(w, "SSLv3")) {
      // OpenSSL is built no-ssl3: mod_ssl's OPENSSL_NO_SSL3 branch.
      if (action == '-') continue;
      return "SSLv3 not supported by this version of OpenSSL";
    } else if (iequals(w, "all")) {
      bit = kProtoAll;
    } else {
      for (const Version& v : kVersions) {
        if (iequals(w, v.name)) bit = v.bit;
      }
      if (bit == 0) return "SSLProtocol: Illegal protocol '" + w + "'";
    }
    bool is_all = bit == kProtoAll;
    if (action == '-') {
      p.enabled &= ~bit;
      p.named &= ~bit;
    } else if (action == '+') {
      p.enabled |= bit;
      if (!is_all) p.named |= bit;
    } else {
      if (p.enabled != 0 && warnings) {
        warnings->push_back("SSLProtocol: Protocol '" + w +
                            "' overrides already set parameter(s). Check if a +/- prefix is "
                            "missing.");
      }
      p.enabled = bit;
      p.named = is_all ? 0 : bit;
    }
  }
  *out = p;
  return "";
}

SslProtocols default_ssl_protocols() {
  return {kProtoTlsV1_2 | kProtoTlsV1_3, kProtoTlsV1_2 | kProtoTlsV1_3};
}

std::string describe_ssl_protocols(unsigned bits) {
  std::string s;
  for (const Version& v : kVersions) {
    if (!(bits & v.bit)) continue;
    if (!s.empty()) s += ", ";
    s += v.name;
  }
  return s;
}

std::string apply_ssl_protocols(SSL_CTX* ctx, const SslProtocols& protocols) {
  unsigned enabled = protocols.enabled;
  int level = SSL_CTX_get_security_level(ctx);
  if (level > 0) {
    // OpenSSL 3: SSLv3, TLSv1 and TLSv1.1 only work at security level 0.
    unsigned forbidden = protocols.named & kLegacy;
    if (forbidden) {
      return "SSLProtocol: " + describe_ssl_protocols(forbidden) +
             " cannot be negotiated at OpenSSL security level " + std::to_string(level) +
             " (add :@SECLEVEL=0 to SSLCipherSuite to allow it, or remove it)";
    }
    enabled &= ~kLegacy;
  }
  // mod_ssl's ssl_init_ctx_protocol: the highest version enabled is the maximum, and the
  // minimum is the lowest of the run of enabled versions right below it ("we do not allow
  // holes between max and min"): a version below a hole is not negotiated.
  int top = -1;
  for (int i = 0; i < static_cast<int>(kVersions.size()); ++i) {
    if (enabled & kVersions[i].bit) top = i;
  }
  if (top < 0) return "No SSL protocols available [hint: SSLProtocol]";
  int bottom = top;
  while (bottom > 0 && (enabled & kVersions[bottom - 1].bit)) --bottom;
  const Version* lowest = &kVersions[bottom];
  const Version* highest = &kVersions[top];
  uint64_t all_no = 0;
  for (const Version& v : kVersions) all_no |= v.no_flag;
  SSL_CTX_clear_options(ctx, all_no);
  if (!SSL_CTX_set_min_proto_version(ctx, lowest->wire) ||
      !SSL_CTX_set_max_proto_version(ctx, highest->wire)) {
    return "SSLProtocol: OpenSSL refused the version range " + describe_ssl_protocols(enabled);
  }
  return "";
}

}  // namespace tern::ssl
