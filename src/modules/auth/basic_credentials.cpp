#include "modules/auth/basic_credentials.h"

#include <array>

#include "http/request.h"

namespace tern {

namespace {

// The 6-bit value of a base64 character, 64 for any other byte (apr's pr2six).
constexpr std::array<unsigned char, 256> make_table() {
  std::array<unsigned char, 256> t{};
  for (auto& v : t) v = 64;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < kAlphabet.size(); ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<unsigned char>(i);
  return t;
}

constexpr std::array<unsigned char, 256> kSix = make_table();

unsigned six(char c) {
  return kSix[static_cast<unsigned char>(c)];
}

}  // namespace

std::string base64_decode_lenient(std::string_view in) {
  size_t n = 0;
  while (n < in.size() && six(in[n]) <= 63) ++n;
  std::string out;
  out.reserve(n / 4 * 3 + 3);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const unsigned v =
        (six(in[i]) << 18) | (six(in[i + 1]) << 12) | (six(in[i + 2]) << 6) | six(in[i + 3]);
    out.push_back(static_cast<char>(v >> 16));
    out.push_back(static_cast<char>((v >> 8) & 0xff));
    out.push_back(static_cast<char>(v & 0xff));
  }
  const size_t rest = n - i;
  if (rest > 1) out.push_back(static_cast<char>((six(in[i]) << 2) | (six(in[i + 1]) >> 4)));
  if (rest > 2)
    out.push_back(static_cast<char>(((six(in[i + 1]) << 4) | (six(in[i + 2]) >> 2)) & 0xff));
  return out;
}

std::optional<BasicCredentials> parse_basic_authorization(std::string_view value) {
  // ap_getword(…, ' '): the scheme, then the run of spaces after it; then spaces and tabs.
  const size_t sp = value.find(' ');
  std::string_view scheme = value.substr(0, sp);
  if (!iequals(scheme, "Basic")) return std::nullopt;
  std::string_view rest = sp == std::string_view::npos ? std::string_view{} : value.substr(sp);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  std::string decoded = base64_decode_lenient(rest);
  // httpd handles the result as a C string.
  if (const size_t nul = decoded.find('\0'); nul != std::string::npos) decoded.resize(nul);
  BasicCredentials c;
  const size_t colon = decoded.find(':');
  c.user = decoded.substr(0, colon);
  if (colon != std::string::npos) c.password = decoded.substr(colon + 1);
  return c;
}

}  // namespace tern
