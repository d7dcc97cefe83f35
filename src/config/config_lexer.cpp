#include "config/config_lexer.h"

namespace tern::cfg {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string split_lines(std::string_view text, std::vector<LogicalLine>& out, int& error_line) {
  std::string pending;
  int start_line = 0;
  int line_no = 0;
  bool continuing = false;
  size_t pos = 0;
  auto emit = [&] {
    std::string_view t = trim(pending);
    if (!t.empty() && t.front() != '#') out.push_back({start_line, std::string(t)});
    pending.clear();
  };
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view phys =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!continuing) start_line = line_no;
    if (phys.find('\0') != std::string_view::npos) {
      error_line = line_no;
      return "NUL byte in configuration line";
    }
    while (!phys.empty() && is_space(phys.back())) phys.remove_suffix(1);
    bool cont = !phys.empty() && phys.back() == '\\';
    if (cont) phys.remove_suffix(1);
    if (phys.size() > kMaxLineLength - pending.size()) {
      error_line = start_line;
      return "line too long (more than " + std::to_string(kMaxLineLength) +
             " bytes, continuation lines joined)";
    }
    pending.append(phys);
    continuing = cont;
    if (!continuing) emit();
  }
  if (continuing) emit();
  return "";
}

std::string split_words(std::string_view s, std::vector<Word>& out) {
  size_t i = 0;
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) break;
    Word w;
    if (s[i] == '"' || s[i] == '\'') {
      const char q = s[i++];
      w.quoted = true;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i++];
        if (c == '\\' && i < s.size() && s[i] == q) {
          // As httpd: only the quote character can be escaped; other backslashes stay.
          w.text += s[i++];
        } else if (c == q) {
          closed = true;
          break;
        } else {
          w.text += c;
        }
      }
      if (!closed)
        return std::string("unterminated ") + (q == '"' ? "double" : "single") + " quote";
    } else {
      while (i < s.size() && !is_space(s[i])) w.text += s[i++];
    }
    out.push_back(std::move(w));
  }
  return "";
}

std::string substitute_vars(std::string_view s, const VarLookup& lookup, std::string& out) {
  const std::string too_long = "line too long after ${} substitution (more than " +
                               std::to_string(kMaxLineLength) + " bytes)";
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find("${", i);
    if (open == std::string_view::npos) break;
    size_t close = s.find('}', open + 2);
    if (close == std::string_view::npos) break;
    std::string_view name = s.substr(open + 2, close - open - 2);
    const std::string* v = lookup(name);
    if (v == nullptr) return "Variable '" + shorten(name) + "' is undefined";
    if (out.size() + (open - i) + v->size() > kMaxLineLength) return too_long;
    out.append(s.substr(i, open - i));
    out += *v;
    i = close + 1;
  }
  if (out.size() + (s.size() - i) > kMaxLineLength) return too_long;
  out.append(s.substr(i));
  return "";
}

std::string shorten(std::string_view s) {
  constexpr size_t kMax = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string r;
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      r += "\\x";
      r += kHex[c >> 4];
      r += kHex[c & 0xf];
    } else {
      r += static_cast<char>(c);
    }
  }
  if (s.size() > kMax) r += "...";
  return r;
}

}  // namespace tern::cfg
