#pragma once
// OpenSSL's error queue as text, for the SSL policy units' error messages.

#include <openssl/err.h>

#include <string>

namespace tern::ssl {

// Drains this thread's OpenSSL error queue: "" when empty, else ": reason; reason".
inline std::string take_openssl_errors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += out.empty() ? ": " : "; ";
    out += buf;
  }
  return out;
}

}  // namespace tern::ssl
