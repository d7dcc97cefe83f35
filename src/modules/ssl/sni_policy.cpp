#include "modules/ssl/sni_policy.h"

#include <strings.h>

#include <string_view>

namespace tern::ssl {

namespace {

// Appends `field` to `key`, length-prefixed (no two field lists give the same key).
void add(std::string& key, std::string_view field) {
  key += std::to_string(field.size());
  key += ':';
  key += field;
}

}  // namespace

std::string parse_sni_policy(const std::string& arg, SslConfig::SniPolicy* out) {
  const char* a = arg.c_str();
  if (strcasecmp(a, "secure") == 0) {
    *out = SslConfig::SniPolicy::kSecure;
  } else if (strcasecmp(a, "strict") == 0) {
    *out = SslConfig::SniPolicy::kStrict;
  } else if (strcasecmp(a, "insecure") == 0) {
    *out = SslConfig::SniPolicy::kInsecure;
  } else if (strcasecmp(a, "authonly") == 0) {
    *out = SslConfig::SniPolicy::kAuthOnly;
  } else {
    return "SSLVHostSNIPolicy: Invalid argument '" + arg +
           "' (use secure, strict, insecure or authonly)";
  }
  return "";
}

std::string auth_settings_key(const SslConfig&) {
  // SslConfig holds no client-authentication settings yet (SSLVerifyClient & co. are
  // applied by the policy branch): their fields join this key.
  return "auth;";
}

std::string tls_settings_key(const SslConfig& c) {
  std::string key = c.enabled() ? "on;" : "off;";
  for (const SslFileSpec& f : c.certificates()) add(key, f.path);
  key += "keys;";
  for (const SslFileSpec& f : c.keys()) add(key, f.path);
  key += "chain;";
  add(key, c.chain_file.path);
  key += auth_settings_key(c);
  return key;
}

bool tls_settings_equal(const SslConfig& a, const SslConfig& b) {
  return &a == &b || tls_settings_key(a) == tls_settings_key(b);
}

bool auth_settings_equal(const SslConfig& a, const SslConfig& b) {
  return &a == &b || auth_settings_key(a) == auth_settings_key(b);
}

bool sni_misdirected(SslConfig::SniPolicy policy, const SslConfig* sni, const SslConfig* host) {
  static const SslConfig kOff{};
  const SslConfig& s = sni != nullptr ? *sni : kOff;
  const SslConfig& h = host != nullptr ? *host : kOff;
  switch (policy) {
    case SslConfig::SniPolicy::kInsecure:
      return false;
    case SslConfig::SniPolicy::kStrict:
      return true;
    case SslConfig::SniPolicy::kAuthOnly:
      return !auth_settings_equal(s, h);
    case SslConfig::SniPolicy::kSecure:
      break;
  }
  return !tls_settings_equal(s, h);
}

}  // namespace tern::ssl
