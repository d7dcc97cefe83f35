#pragma once
// The credentials of an `Authorization: Basic …` field, read as mod_auth_basic's
// get_basic_auth does.

#include <optional>
#include <string>
#include <string_view>

namespace tern {

// A user name and password as the client sent them.
struct BasicCredentials {
  std::string user;
  std::string password;
};

// The credentials of the Authorization field value `value`: nullopt when its scheme
// is not Basic (case-insensitive). The base64 is decoded as apr_base64_decode does
// (up to the first character outside the alphabet, padding optional, the result cut at
// a NUL byte); the user is the text up to the first ':', the password the rest.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view value);

// apr_base64_decode: the bytes of `in` up to its first non-base64 character.
std::string base64_decode_lenient(std::string_view in);

}  // namespace tern
