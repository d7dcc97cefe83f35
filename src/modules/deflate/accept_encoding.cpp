#include "modules/deflate/accept_encoding.h"

#include "http/request.h"

namespace tern {

namespace {
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
}  // namespace

std::string_view get_token(std::string_view& line, bool accept_white) {
  size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  const size_t start = i;
  while (i < line.size() && (accept_white || !is_space(line[i])) && line[i] != ';' &&
         line[i] != ',') {
    if (line[i++] == '"') {
      while (i < line.size()) {
        if (line[i++] == '"') break;
      }
    }
  }
  std::string_view token = line.substr(start, i - start);
  while (i < line.size() && is_space(line[i])) ++i;
  line.remove_prefix(i);
  return token;
}

bool accepts_gzip(std::string_view accepts) {
  std::string_view token = get_token(accepts, false);
  bool have = true;
  while (have && !token.empty() && !iequals(token, "gzip")) {
    while (!accepts.empty() && accepts.front() == ';') {
      accepts.remove_prefix(1);
      get_token(accepts, true);
    }
    if (!accepts.empty() && accepts.front() == ',') accepts.remove_prefix(1);
    have = !accepts.empty();
    if (have) token = get_token(accepts, false);
  }
  if (!have || token.empty()) return false;
  // The first parameter after "gzip" is taken as its q-value (httpd 2.4.71).
  if (!accepts.empty()) {
    while (!accepts.empty() && accepts.front() == ';') accepts.remove_prefix(1);
    std::string_view q = get_token(accepts, true);
    constexpr std::string_view kZero = "q=0.000";
    if (q.size() >= 3 && q.size() <= kZero.size() && kZero.substr(0, q.size()) == q) return false;
  }
  return true;
}

bool encoding_is_identity(std::string_view encoding) {
  std::string_view token = get_token(encoding, false);
  while (!token.empty()) {
    if (token != "identity" && token != "7bit" && token != "8bit" && token != "binary")
      return false;
    if (!encoding.empty()) encoding.remove_prefix(1);
    if (encoding.empty()) break;
    token = get_token(encoding, false);
  }
  return true;
}

}  // namespace tern
