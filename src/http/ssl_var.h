#pragma once
// mod_ssl's ssl_var_lookup as the HTTP layer uses it (the access log's %{VAR}x, expressions,
// mod_ssl's fixup): HTTPS and the SSL_* variables of a connection, protocol-neutral (the
// transport answers; src/http includes no OpenSSL header).

#include <string>
#include <string_view>

#include "net/transport.h"

namespace tern {

// The value of `name` on the connection `t` (null: none): HTTPS is "on" or "off"; an
// SSL_* variable its value, or "" on a plain connection, before the handshake, or when
// unknown (mod_ssl answers "" for those too).
std::string ssl_var(const Transport* t, std::string_view name);

// True when the connection `t` (null: none) is TLS (mod_ssl's modssl_request_is_tls).
bool is_tls(const Transport* t);

}  // namespace tern
