#pragma once
// The error-log texts of a request body refused while the client is asked for its
// certificate (mod_ssl's fill_reneg_buffer): one wording for mod_ssl's access hook (a
// Content-Length over the limit) and for the connection (a chunked body growing past it).

#include <cstdint>
#include <string>
#include <string_view>

namespace tern {

// AH02018: the body is larger than SSLRenegBufferSize `limit`.
inline std::string reneg_buffer_exceeded(uint64_t limit) {
  return "AH02018: request body exceeds maximum size (" + std::to_string(limit) +
         ") for SSL buffer";
}

// Why the request gets 413: AH02257 when the certificate is asked for by a TLS 1.2
// renegotiation, AH10228 by TLS 1.3 post-handshake authentication.
inline std::string_view reneg_buffer_refused(bool renegotiation) {
  return renegotiation
             ? "AH02257: could not buffer message body to allow SSL renegotiation to proceed"
             : "AH10228: could not buffer message body to allow TLS Post-Handshake "
               "Authentication to proceed";
}

}  // namespace tern
