#include "modules/cgi/cgi_headers.h"

#include <charconv>

#include "http/char_class.h"
#include "http/request.h"

namespace tern {

namespace {

constexpr size_t kMaxLine = 8190;  // httpd: MAX_STRING_LEN (8192) - 1 - NUL
constexpr size_t kShownBadHeader = 30;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// httpd's ap_content_type_tolower: the type/subtype and parameter names, not values.
std::string content_type_lower(std::string_view v) {
  std::string out(v);
  bool in_value = false;
  for (char& c : out) {
    if (c == ';')
      in_value = false;
    else if (c == '=')
      in_value = true;
    else if (!in_value && c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<uint64_t> parse_length(std::string_view v) {
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return n;
}

}  // namespace

CgiHeaderParser::State CgiHeaderParser::feed(std::string_view data, size_t* used) {
  size_t i = 0;
  while (state_ == State::kMore && i < data.size()) {
    started_ = true;
    if (++block_bytes_ > kMaxBlock) {
      // A script that never ends its header block would grow the server without end.
      excerpt_ = std::string(line_.substr(0, kShownBadHeader));
      error_ = "header block longer than " + std::to_string(kMaxBlock) + " bytes";
      state_ = State::kError;
      break;
    }
    const char c = data[i++];
    if (c == '\n') {
      state_ = line(line_);
      line_.clear();
      continue;
    }
    if (c == '\r') continue;
    line_.push_back(c);
    if (line_.size() >= kMaxLine) {  // cut as httpd's fixed buffer does
      state_ = line(line_);
      line_.clear();
    }
  }
  *used = i;
  return state_;
}

CgiHeaderParser::State CgiHeaderParser::line(std::string_view l) {
  if (l.empty()) return State::kDone;
  const size_t colon = l.find(':');
  std::string_view name = colon == std::string_view::npos ? l : l.substr(0, colon);
  // httpd accepts any name before ':'; tern also refuses one that is not a token (it
  // would break the response head it is copied into).
  if (colon == std::string_view::npos || !chars::is_token(name) ||
      l.find('\0') != std::string_view::npos) {
    excerpt_ = std::string(l.substr(0, kShownBadHeader));
    error_ = "Bad header: " + excerpt_;
    return State::kError;
  }
  std::string_view value = l.substr(colon + 1);
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  if (iequals(name, "Content-Type")) {
    while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
    head_.content_type = content_type_lower(value);
  } else if (iequals(name, "Status")) {
    int status = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), status);
    if (ec != std::errc() || status < 100 || status > 599 ||
        (p != value.data() + value.size() && !is_space(*p))) {
      excerpt_ = std::string(value.substr(0, kShownBadHeader));
      error_ = "Invalid status line: " + excerpt_;
      bad_status_ = true;
      return State::kError;
    }
    head_.status = status;
    head_.has_status = true;
    // httpd keeps the whole value as the status line: "Status: 404 Gone away" is sent as
    // "HTTP/1.1 404 Gone away".
    std::string_view rest(p, static_cast<size_t>(value.data() + value.size() - p));
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    while (!rest.empty() && is_space(rest.back())) rest.remove_suffix(1);
    head_.reason = std::string(rest);
  } else if (iequals(name, "Location")) {
    head_.location = std::string(value);
  } else if (iequals(name, "Content-Length")) {
    // An invalid length is dropped: the body is then framed by the connection.
    head_.content_length = parse_length(value);
  } else if (iequals(name, "Transfer-Encoding") || iequals(name, "Connection") ||
             iequals(name, "Keep-Alive") || iequals(name, "Date") || iequals(name, "Server")) {
    // Framing and the connection's own fields: the connection sets them.
  } else {
    head_.fields.emplace_back(std::string(name), std::string(value));
  }
  return State::kMore;
}

}  // namespace tern
