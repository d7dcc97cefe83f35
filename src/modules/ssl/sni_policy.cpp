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

std::string auth_settings_key(const SslConfig& c) {
  // What decides client authentication: SSLVerifyClient, SSLVerifyDepth, the CA files.
  std::string key = "auth;";
  add(key, c.verify_client.set ? std::to_string(static_cast<int>(c.verify_client.value)) : "-");
  add(key, c.verify_depth.set ? std::to_string(c.verify_depth.value) : "-");
  add(key, c.ca_file.set ? c.ca_file.value : "");
  add(key, c.ca_path.set ? c.ca_path.value : "");
  return key;
}

std::string tls_settings_key(const SslConfig& c) {
  std::string key = c.enabled() ? "on;" : "off;";
  for (const SslFileSpec& f : c.certificates()) add(key, f.path);
  key += "keys;";
  for (const SslFileSpec& f : c.keys()) add(key, f.path);
  key += "chain;";
  add(key, c.chain_file.path);
  // The handshake's policy: protocols, ciphers and their order, OpenSSL commands.
  key += "policy;";
  add(key, c.protocol.set ? std::to_string(c.protocol.value.enabled) : "-");
  add(key, c.ciphers.set ? c.ciphers.value.tls12 : "-");
  add(key, c.ciphers.set ? c.ciphers.value.tls13 : "-");
  add(key, c.honor_cipher_order.set && c.honor_cipher_order.value ? "1" : "0");
  for (const SslConfCmdAt& cmd : c.conf_cmds) {
    add(key, cmd.cmd.name);
    add(key, cmd.cmd.value);
  }
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
