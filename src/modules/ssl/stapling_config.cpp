// The OCSP stapling directives' parsing (httpd's ssl_cmd_SSLStapling* in ssl_engine_config.c).

#include "modules/ssl/stapling_config.h"

#include <openssl/crypto.h>
#include <openssl/http.h>

#include <strings.h>

#include <cstdlib>

namespace tern::ssl {

std::string parse_stapling_cache(const std::string& arg, SessionCacheConfig* out) {
  const std::string name = arg.substr(0, arg.find(':'));
  if (name != "shmcb") {
    return "SSLStaplingCache: '" + name +
           "' stapling cache not supported (known names: shmcb) Maybe you need to load the "
           "appropriate socache module (mod_socache_" +
           name + "?)";
  }
  SessionCacheConfig c;
  std::string err = parse_ssl_session_cache(arg, &c);
  if (!err.empty()) {
    const std::string prefix = "SSLSessionCache: ";
    if (err.starts_with(prefix)) err.erase(0, prefix.size());
    return "SSLStaplingCache: " + err;
  }
  *out = c;
  return "";
}

std::string parse_stapling_seconds(const std::string& directive, const std::string& arg,
                                   long* seconds) {
  const long v = std::atoi(arg.c_str());
  if (v < 0) return directive + ": invalid argument";
  *seconds = v;
  return "";
}

bool parse_responder_url(const std::string& url, ResponderUrl* out) {
  int use_ssl = 0;
  char* host = nullptr;
  char* port = nullptr;
  char* path = nullptr;
  if (OSSL_HTTP_parse_url(url.c_str(), &use_ssl, nullptr, &host, &port, nullptr, &path, nullptr,
                          nullptr) != 1)
    return false;
  const bool ok = use_ssl == 0 && host != nullptr && *host != '\0' && url.size() >= 7 &&
                  ::strncasecmp(url.c_str(), "http://", 7) == 0;
  if (ok) {
    out->host = host;
    out->port = port != nullptr ? port : "80";
    out->path = path != nullptr && *path != '\0' ? path : "/";
  }
  OPENSSL_free(host);
  OPENSSL_free(port);
  OPENSSL_free(path);
  return ok;
}

std::string parse_stapling_force_url(const std::string& arg) {
  ResponderUrl u;
  if (!parse_responder_url(arg, &u))
    return "SSLStaplingForceURL: Unsupported uri " + arg + " (an http:// URL is needed)";
  return "";
}

}  // namespace tern::ssl
