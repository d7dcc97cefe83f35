// Accept-style header parsing and small escapes of mod_negotiation (httpd's get_entry,
// atoq, fix_encoding, ap_escape_path_segment).

#include "modules/negotiation/negotiate.h"

#include "http/char_class.h"

#include <cstdlib>

namespace tern::negotiation {

namespace {

constexpr std::string_view kIncludesMagic = "text/x-server-parsed-html";
constexpr std::string_view kIncludesMagic3 = "text/x-server-parsed-html3";

using chars::is_c_space;
using chars::lower_in_place;

void skip_space(std::string_view& s) {
  while (!s.empty() && is_c_space(s.front())) s.remove_prefix(1);
}

// httpd's ap_get_token: a token up to ';' or ',' (or white space unless `accept_white`),
// quoted strings kept whole; `s` is left at the next non-white byte.
std::string get_token(std::string_view& s, bool accept_white) {
  skip_space(s);
  size_t i = 0;
  while (i < s.size() && (accept_white || !is_c_space(s[i])) && s[i] != ';' && s[i] != ',') {
    if (s[i++] == '"') {
      while (i < s.size())
        if (s[i++] == '"') break;
    }
  }
  std::string tok(s.substr(0, i));
  s.remove_prefix(i);
  skip_space(s);
  return tok;
}

// httpd's get_entry: one item of `s`, which is left after it (and its ',').
AcceptItem get_entry(std::string_view& s) {
  AcceptItem item;
  item.name = get_token(s, false);
  lower_in_place(item.name);
  if (item.name == "text/html" || item.name == kIncludesMagic)
    item.level = 2.0f;
  else if (item.name == kIncludesMagic3)
    item.level = 3.0f;
  while (!s.empty() && s.front() == ';') {
    s.remove_prefix(1);
    const std::string parm = get_token(s, true);
    size_t cp = 0;
    while (cp < parm.size() && !is_c_space(parm[cp]) && parm[cp] != '=') ++cp;
    if (cp == parm.size()) continue;  // no '=': ignored
    std::string var = parm.substr(0, cp);
    lower_in_place(var);
    while (cp < parm.size() && (is_c_space(parm[cp]) || parm[cp] == '=')) ++cp;
    size_t end = cp;
    if (cp < parm.size() && parm[cp] == '"') {
      end = ++cp;
      while (end < parm.size() && parm[end] != '\n' && parm[end] != '\r' && parm[end] != '"') ++end;
    } else {
      while (end < parm.size() && !is_c_space(parm[end])) ++end;
    }
    std::string value = parm.substr(cp, end - cp);
    lower_in_place(value);
    if (var == "q" || var == "qs") {
      item.quality = parse_qvalue(value);
    } else if (var == "level") {
      item.level = static_cast<float>(std::atoi(value.c_str()));
    } else if (var == "charset") {
      item.charset = value;
    }
  }
  if (!s.empty() && s.front() == ',') s.remove_prefix(1);
  return item;
}

std::string_view strip_x_prefix(std::string_view enc) {
  if (enc.size() >= 2 && enc[0] == 'x' && enc[1] == '-') enc.remove_prefix(2);
  return enc;
}

}  // namespace

float parse_qvalue(std::string_view s) {
  if (s.empty()) return 1.0f;
  skip_space(s);
  size_t i = 0;
  if (i < s.size() && s[i] != '.') {
    if (s[i++] != '0') return 1.0f;
  }
  if (i < s.size() && s[i] == '.') {
    int v = 0;
    ++i;
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v += (s[i] - '0') * 100;
      ++i;
      if (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        v += (s[i] - '0') * 10;
        ++i;
        if (i < s.size() && s[i] > '0' && s[i] <= '9') v += s[i] - '0';
      }
    }
    return static_cast<float>(v) / 1000.0f;
  }
  return 0.0f;
}

std::vector<AcceptItem> parse_accept(std::string_view line) {
  std::vector<AcceptItem> items;
  while (!line.empty()) items.push_back(get_entry(line));
  return items;
}

AcceptItem parse_media_type(std::string_view type) {
  return get_entry(type);
}

std::string escape_path_segment(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("$-_.+!*'(),:@&=~").find(ch) != std::string_view::npos;
    if (ok) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string fix_encoding(std::string_view encoding,
                         std::optional<std::string_view> accept_encoding) {
  if (encoding.empty() || !accept_encoding) return std::string(encoding);
  const std::string_view enc = strip_x_prefix(encoding);
  std::string x_enc;
  for (const AcceptItem& a : parse_accept(*accept_encoding)) {
    if (a.name == enc) return a.name;
    if (a.name.size() > 2 && a.name.starts_with("x-") && std::string_view(a.name).substr(2) == enc)
      x_enc = a.name;
  }
  return x_enc.empty() ? std::string(encoding) : x_enc;
}

}  // namespace tern::negotiation
