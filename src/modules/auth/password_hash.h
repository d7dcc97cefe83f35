#pragma once
// Password hashes of htpasswd files, checked as httpd's apr_password_validate does on
// Linux: apr1 MD5 ($apr1$), SHA-1 ({SHA}), bcrypt ($2y$, $2a$, $2b$) and every scheme of
// the system's crypt(3) (libxcrypt: DES, $1$, $5$, $6$, $y$, …). A plaintext password is
// never accepted (httpd does so only on Windows, NetWare and TPF).

#include <string>
#include <string_view>

namespace tern {

// True when `password` matches `hash` (a password file's second field). The final
// comparison takes a time independent of where the strings differ.
bool password_validate(std::string_view password, std::string_view hash);

// apr_md5_encode: "$apr1$SALT$HASH" for `password` with `salt` (at most 8 characters
// up to a '$'; a leading "$apr1$" is skipped), as `htpasswd -m` writes it.
std::string apr1_md5_encode(std::string_view password, std::string_view salt);

// apr_sha1_base64: "{SHA}" and the base64 of the SHA-1 of `password` (`htpasswd -s`).
std::string sha1_base64_encode(std::string_view password);

// Compares two strings in a time that depends on their lengths only.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace tern
