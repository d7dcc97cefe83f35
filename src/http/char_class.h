#pragma once
// Character classes of RFC 9110 / RFC 3986 used by the request parser (table lookups), and
// the locale-independent ASCII case and space helpers every module shares.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::chars {

enum : uint8_t {
  kTchar = 1,          // RFC 9110 token character
  kVchar = 2,          // visible ASCII, %x21-7E
  kObsText = 4,        // %x80-FF
  kHex = 8,            // HEXDIG
  kUnreserved = 16,    // RFC 3986 unreserved
  kSubDelim = 32,      // RFC 3986 sub-delims
  kDigit = 64,         // DIGIT
  kTargetPunct = 128,  // ":@/?%": with kUnreserved and kSubDelim, an origin-form target's bytes
};

// The class bits of every byte value.
inline constexpr std::array<uint8_t, 256> kTable = [] {
  std::array<uint8_t, 256> t{};
  constexpr std::string_view kTokenPunct = "!#$%&'*+-.^_`|~";
  constexpr std::string_view kSubDelims = "!$&'()*+,;=";
  constexpr std::string_view kUnreservedPunct = "-._~";
  constexpr std::string_view kTargetPuncts = ":@/?%";
  for (int c = 0; c < 256; ++c) {
    uint8_t v = 0;
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    if (alpha || digit) v |= kTchar | kUnreserved;
    if (digit) v |= kDigit | kHex;
    if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) v |= kHex;
    if (c >= 0x21 && c <= 0x7e) v |= kVchar;
    if (c >= 0x80) v |= kObsText;
    if (kTokenPunct.find(static_cast<char>(c)) != std::string_view::npos) v |= kTchar;
    if (kSubDelims.find(static_cast<char>(c)) != std::string_view::npos) v |= kSubDelim;
    if (kUnreservedPunct.find(static_cast<char>(c)) != std::string_view::npos) v |= kUnreserved;
    if (kTargetPuncts.find(static_cast<char>(c)) != std::string_view::npos) v |= kTargetPunct;
    t[c] = v;
  }
  return t;
}();

// True when byte `c` has any of the class bits in `mask`.
constexpr bool is(char c, uint8_t mask) {
  return (kTable[static_cast<unsigned char>(c)] & mask) != 0;
}

// True when `s[i]` begins a pct-encoded octet: '%' and two hex digits, all within `s`.
constexpr bool pct_encoded_at(std::string_view s, size_t i) {
  return s[i] == '%' && i + 2 < s.size() && is(s[i + 1], kHex) && is(s[i + 2], kHex);
}

// True for a non-empty RFC 9110 token.
constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is(c, kTchar)) return false;
  }
  return true;
}

// True for the octets allowed in a field value (VCHAR, obs-text, SP, HTAB).
constexpr bool is_field_value_char(char c) {
  return is(c, kVchar | kObsText) || c == ' ' || c == '\t';
}

// Value of a hex digit (caller checked kHex).
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The ASCII lower case of `c` (other bytes unchanged; no locale).
constexpr char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Lower-cases the ASCII letters of `s` in place.
inline void lower_in_place(std::string& s) {
  for (char& c : s) c = to_lower(c);
}

// `s` with its ASCII letters lower-cased: written into `buf` when it fits (no allocation on
// a request's path), else into `spill`. The view points into one of the two.
template <size_t N>
std::string_view lower_into(std::string_view s, std::array<char, N>& buf, std::string& spill) {
  char* out = buf.data();
  if (s.size() > N) {
    spill.resize(s.size());
    out = spill.data();
  }
  for (size_t i = 0; i < s.size(); ++i) out[i] = to_lower(s[i]);
  return {out, s.size()};
}

// C's isspace() in the "C" locale: SP, HT, LF, VT, FF, CR (what httpd's apr_isspace tests).
constexpr bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// `s` without leading and trailing SP/HTAB (RFC 9110 OWS).
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace tern::chars
