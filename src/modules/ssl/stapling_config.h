#pragma once
// mod_ssl's OCSP stapling directives (SSLUseStapling, SSLStaplingCache and the
// SSLStapling* timeouts and switches): their values and httpd's parsing of them. The
// responses are fetched by the control process (ocsp_fetcher.h) and stapled by the children
// (ocsp_stapling.h).

#include <string>

#include "modules/ssl/session_cache.h"

namespace tern::ssl {

// mod_ssl's defaults (modssl_init_stapling).
inline constexpr long kDefaultStaplingResponderTimeout = 10;  // seconds
inline constexpr long kDefaultStaplingStandardCacheTimeout = 3600;
inline constexpr long kDefaultStaplingErrorCacheTimeout = 600;
inline constexpr long kDefaultStaplingResponseTimeSkew = 300;
inline constexpr long kDefaultStaplingResponseMaxAge = -1;  // no limit

// SSLStaplingCache shmcb[:path[(size)]] (main server only); returns "" or mod_ssl's error
// prefixed "SSLStaplingCache: ". Only shmcb is a provider here.
std::string parse_stapling_cache(const std::string& arg, SessionCacheConfig* out);

// A seconds argument of SSLStaplingResponderTimeout, SSLStaplingStandardCacheTimeout,
// SSLStaplingErrorCacheTimeout, SSLStaplingResponseTimeSkew or SSLStaplingResponseMaxAge
// (atoi, >= 0, as httpd); returns "" or "<directive>: invalid argument".
std::string parse_stapling_seconds(const std::string& directive, const std::string& arg,
                                   long* seconds);

// SSLStaplingForceURL: an http:// URL (the responder); returns "" or
// "SSLStaplingForceURL: …" for a URL tern cannot query (not http, unparsable).
std::string parse_stapling_force_url(const std::string& arg);

// An OCSP responder URL split for a request: host, port and path (http only).
struct ResponderUrl {
  std::string host;
  std::string port;
  std::string path;
};

// Splits `url` (http://host[:port][/path]); false for anything else (https, no host).
bool parse_responder_url(const std::string& url, ResponderUrl* out);

}  // namespace tern::ssl
