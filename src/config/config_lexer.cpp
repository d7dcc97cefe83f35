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

std::vector<LogicalLine> split_lines(std::string_view text) {
  std::vector<LogicalLine> out;
  std::string pending;
  int start_line = 0;
  int line_no = 0;
  bool continuing = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view phys =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    while (!phys.empty() && is_space(phys.back())) phys.remove_suffix(1);
    if (!continuing) start_line = line_no;
    bool cont = !phys.empty() && phys.back() == '\\';
    if (cont) phys.remove_suffix(1);
    pending.append(phys);
    continuing = cont;
    if (continuing) continue;
    std::string_view t = trim(pending);
    if (!t.empty() && t.front() != '#') out.push_back({start_line, std::string(t)});
    pending.clear();
  }
  if (continuing) {
    std::string_view t = trim(pending);
    if (!t.empty() && t.front() != '#') out.push_back({start_line, std::string(t)});
  }
  return out;
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
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find("${", i);
    if (open == std::string_view::npos) break;
    size_t close = s.find('}', open + 2);
    if (close == std::string_view::npos) break;
    out.append(s.substr(i, open - i));
    std::string_view name = s.substr(open + 2, close - open - 2);
    const std::string* v = lookup(name);
    if (v == nullptr) return "Variable '" + std::string(name) + "' is undefined";
    out += *v;
    i = close + 1;
  }
  out.append(s.substr(i));
  return "";
}

}  // namespace tern::cfg
