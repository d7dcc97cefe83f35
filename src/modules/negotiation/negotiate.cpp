#include "modules/negotiation/negotiate.h"

#include "http/char_class.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "handlers/error_page.h"

namespace tern::negotiation {

namespace {

constexpr std::string_view kCgiMagicType = "application/x-httpd-cgi";
constexpr std::string_view kIncludesMagic = "text/x-server-parsed-html";
constexpr std::string_view kIncludesMagic3 = "text/x-server-parsed-html3";

using chars::is_c_space;
using chars::lower_in_place;

bool is_identity_encoding(std::string_view enc) {
  return enc.empty() || enc == "7bit" || enc == "8bit" || enc == "binary";
}

std::string_view strip_x(std::string_view enc) {
  if (enc.size() >= 2 && enc[0] == 'x' && enc[1] == '-') enc.remove_prefix(2);
  return enc;
}

std::string join_languages(const Variant& v) {
  std::string out;
  for (const std::string& l : v.languages) {
    if (!out.empty()) out.push_back(',');
    out.append(l);
  }
  return out;
}

// The state of one negotiation (httpd's negotiation_state).
struct State {
  const Input& in;
  std::optional<std::vector<AcceptItem>> accepts, encodings, charsets, langs;
  bool accept_q = false;
  float default_lang_quality = 1.0f;
  bool is_transparent = false;
  bool dont_fiddle_headers = false;
  bool ua_supports_trans = false;
  bool send_alternates = false;
  bool may_choose = true;
  bool use_rvsa = false;
};

std::optional<std::vector<AcceptItem>> header_items(std::optional<std::string_view> h) {
  if (!h) return std::nullopt;
  return parse_accept(*h);
}

// httpd's parse_negotiate_header (RFC 2295's Negotiate request header).
void parse_negotiate(State& st) {
  if (!st.in.negotiate) return;
  std::string_view neg = *st.in.negotiate;
  if (neg == "trans" && st.in.user_agent.starts_with("Lynx")) return;
  st.may_choose = false;
  while (!neg.empty()) {
    const size_t comma = neg.find(',');
    std::string_view tok = neg.substr(0, comma);
    neg = comma == std::string_view::npos ? std::string_view{} : neg.substr(comma + 1);
    while (!tok.empty() && is_c_space(tok.front())) tok.remove_prefix(1);
    while (!tok.empty() && is_c_space(tok.back())) tok.remove_suffix(1);
    if (tok.empty()) continue;
    std::string t(tok);
    lower_in_place(t);
    if (t == "trans" || t == "vlist" || t == "guess-small" || (t[0] >= '0' && t[0] <= '9') ||
        t == "*") {
      st.ua_supports_trans = true;
      st.send_alternates = true;
      if (t == "1.0") {
        st.may_choose = true;
        st.use_rvsa = true;
        st.dont_fiddle_headers = true;
      } else if (t[0] == '*') {
        st.may_choose = true;
        st.dont_fiddle_headers = true;
      }
    }
  }
}

// httpd's maybe_add_default_accepts: */* when no Accept, and the CGI magic type.
void add_default_accepts(State& st) {
  if (!st.accepts) st.accepts.emplace().push_back(AcceptItem{"*/*", 1.0f, 0.0f, {}});
  AcceptItem cgi{std::string(kCgiMagicType), 0.0f, 0.0f, {}};
  if (!st.use_rvsa) cgi.quality = st.in.prefer_scripts ? 2.0f : 0.001f;
  st.accepts->push_back(std::move(cgi));
}

// httpd's mime_match (true when `a` covers the variant's type; updates mime_stars).
bool mime_match(const AcceptItem& a, Variant& v) {
  const std::string& t = a.name;
  if (t == "*" || t == "*/*") {
    v.mime_stars = std::max(v.mime_stars, 1);
    return true;
  }
  const size_t len = t.size();
  if (len > 2 && t[len - 2] == '/' && t[len - 1] == '*' &&
      v.mime_type.compare(0, len - 2, t, 0, len - 2) == 0 && v.mime_type.size() > len - 2 &&
      v.mime_type[len - 2] == '/') {
    v.mime_stars = std::max(v.mime_stars, 2);
    return true;
  }
  if (t == v.mime_type ||
      (t == "text/html" && (v.mime_type == kIncludesMagic || v.mime_type == kIncludesMagic3))) {
    if (a.level >= v.level) {
      v.level_matched = v.level;
      v.mime_stars = 3;
      return true;
    }
  }
  return false;
}

// httpd's level_cmp: 1 when `a` is the better level, -1 when worse, 0 tied.
int level_cmp(const Variant& a, const Variant& b) {
  if (a.is_pseudo_html && !b.is_pseudo_html) return 0;
  if (!a.is_pseudo_html && a.mime_type != b.mime_type) return 0;
  if (a.level_matched > b.level_matched) return 1;
  if (a.level_matched < b.level_matched) return -1;
  if (a.level < b.level) return 1;
  if (a.level > b.level) return -1;
  return 0;
}

// httpd's find_lang_index: the first LanguagePriority entry that prefixes `lang`.
int find_lang_index(const std::vector<std::string>* prio, const std::string& lang) {
  if (prio == nullptr) return -1;
  for (size_t i = 0; i < prio->size(); ++i) {
    const std::string& p = (*prio)[i];
    if (lang.size() >= p.size() && std::equal(p.begin(), p.end(), lang.begin(), [](char x, char y) {
          return chars::to_lower(x) == chars::to_lower(y);
        }))
      return static_cast<int>(i);
  }
  return -1;
}

void set_default_lang_quality(State& st, const std::vector<Variant>& vars) {
  st.default_lang_quality = 1.0f;
  if (st.dont_fiddle_headers) return;
  for (const Variant& v : vars) {
    if (!v.languages.empty()) {
      st.default_lang_quality = 0.0001f;
      return;
    }
  }
}

void set_accept_quality(const State& st, Variant& v) {
  float q = 0.0f;
  bool q_definite = true;
  for (const AcceptItem& a : *st.accepts) {
    const int prev = v.mime_stars;
    if (!mime_match(a, v)) continue;
    if (prev == v.mime_stars) continue;
    if (!st.dont_fiddle_headers && !st.accept_q && v.mime_stars == 1)
      q = 0.01f;
    else if (!st.dont_fiddle_headers && !st.accept_q && v.mime_stars == 2)
      q = 0.02f;
    else
      q = a.quality;
    q_definite = v.mime_stars == 3;
  }
  v.mime_type_quality = q;
  v.definite = v.definite && q_definite;
}

// The language quality from Accept-Language (httpd's set_language_quality, first half).
void match_languages(const State& st, Variant& v) {
  if (!st.langs) {
    v.definite = false;
    return;
  }
  const std::vector<AcceptItem>& accs = *st.langs;
  const AcceptItem* best = nullptr;
  const AcceptItem* star = nullptr;
  float fiddle_q = 0.0f;
  bool any_match_on_star = false;
  for (const std::string& lang : v.languages) {
    const AcceptItem* best_this_tag = nullptr;
    size_t longest = 0;
    for (const AcceptItem& a : accs) {
      if (a.name == "*") {
        if (star == nullptr) star = &a;
        continue;
      }
      const size_t alen = a.name.size();
      if (lang.size() >= alen && lang.compare(0, alen, a.name) == 0 &&
          (lang.size() == alen || lang[alen] == '-') && alen > longest) {
        longest = alen;
        best_this_tag = &a;
      }
      if (best_this_tag == nullptr && !st.dont_fiddle_headers) {
        const size_t dash = a.name.find('-');
        if (dash != std::string::npos && lang.compare(0, dash, a.name, 0, dash) == 0 &&
            lang.size() >= dash)
          fiddle_q = 0.001f;
      }
    }
    if (best == nullptr || (best_this_tag != nullptr && best_this_tag->quality > best->quality))
      best = best_this_tag;
    if (best_this_tag == nullptr && star != nullptr) any_match_on_star = true;
  }
  if (any_match_on_star && (best == nullptr || star->quality > best->quality)) {
    best = star;
    v.definite = false;
  }
  v.lang_quality = best != nullptr ? best->quality : fiddle_q;
}

void set_language_quality(const State& st, Variant& v) {
  const unsigned force = st.in.force_priority == kFlpUndef ? kFlpPrefer : st.in.force_priority;
  if (v.languages.empty()) {
    if (!st.dont_fiddle_headers) v.lang_quality = st.default_lang_quality;
    return;
  }
  match_languages(st, v);
  // ForceLanguagePriority: the LanguagePriority order breaks ties (Prefer) or makes an
  // unacceptable language acceptable (Fallback).
  if (((force & kFlpPrefer) && v.lang_index < 0) ||
      ((force & kFlpFallback) && v.lang_quality == 0)) {
    int best_idx = -1;
    for (const std::string& lang : v.languages) {
      const int idx = find_lang_index(st.in.language_priority, lang);
      if (idx >= 0 && (best_idx == -1 || idx < best_idx)) best_idx = idx;
    }
    if (best_idx >= 0) {
      if (v.lang_quality != 0) {
        if (force & kFlpPrefer) v.lang_index = best_idx;
      } else if (force & kFlpFallback) {
        v.lang_index = best_idx;
        v.lang_quality = 0.0001f;
        v.definite = false;
      }
    }
  }
}

void set_charset_quality(const State& st, Variant& v) {
  std::string_view charset = v.charset;
  if (!st.charsets) {
    if (!charset.empty()) v.definite = false;
    return;
  }
  if (charset.empty()) {
    if (!(v.mime_type.starts_with("text/") || v.mime_type == kIncludesMagic ||
          v.mime_type == kIncludesMagic3))
      return;
    if (st.dont_fiddle_headers) return;
    charset = "iso-8859-1";
  }
  const AcceptItem* star = nullptr;
  for (const AcceptItem& a : *st.charsets) {
    if (a.name == charset) {
      v.charset_quality = a.quality;
      return;
    }
    if (a.name == "*") star = &a;
  }
  if (star != nullptr) {
    v.charset_quality = star->quality;
    v.definite = false;
    return;
  }
  v.charset_quality = charset == "iso-8859-1" ? 1.0f : 0.0f;
}

void set_encoding_quality(const State& st, Variant& v) {
  std::string_view enc = v.encoding;
  if (!st.encodings) {
    v.encoding_quality = is_identity_encoding(enc) ? 1.0f : 0.5f;
    return;
  }
  float if_not_found = 0.0f;
  if (is_identity_encoding(enc)) {
    enc = "identity";
    if_not_found = 0.0001f;
  }
  enc = strip_x(enc);
  const AcceptItem* star = nullptr;
  for (const AcceptItem& a : *st.encodings) {
    const std::string_view name = strip_x(a.name);
    if (name == enc) {
      v.encoding_quality = a.quality;
      return;
    }
    if (name == "*") star = &a;
  }
  v.encoding_quality = star != nullptr ? star->quality : if_not_found;
}

bool is_variant_better_rvsa(const Variant& v, const Variant* best, float& bestq) {
  if (v.encoding_quality == 0.0f) return false;
  const float q = v.mime_type_quality * v.source_quality * v.charset_quality * v.lang_quality;
  if (q <= 0.0f) return false;
  if (q > bestq) {
    bestq = q;
    return true;
  }
  if (q == bestq && best != nullptr && v.encoding_quality > best->encoding_quality) {
    bestq = q;
    return true;
  }
  return false;
}

bool is_variant_better(const Variant& v, const Variant* best, float& bestq) {
  if (v.encoding_quality == 0.0f || v.lang_quality == 0.0f || v.source_quality == 0.0f ||
      v.charset_quality == 0.0f || v.mime_type_quality == 0.0f)
    return false;
  const float q = v.mime_type_quality * v.source_quality;
  if (q == 0.0f || q < bestq) return false;
  if (q > bestq || best == nullptr) {
    bestq = q;
    return true;
  }
  if (v.lang_quality < best->lang_quality) return false;
  if (v.lang_quality > best->lang_quality) {
    bestq = q;
    return true;
  }
  if (best->lang_index != -1 && (v.lang_index == -1 || v.lang_index > best->lang_index))
    return false;
  if (v.lang_index != -1 && (best->lang_index == -1 || v.lang_index < best->lang_index)) {
    bestq = q;
    return true;
  }
  const int lev = level_cmp(v, *best);
  if (lev == -1) return false;
  if (lev == 1) {
    bestq = q;
    return true;
  }
  if (v.charset_quality < best->charset_quality) return false;
  if (v.charset_quality > best->charset_quality ||
      ((!v.charset.empty() && v.charset != "iso-8859-1") &&
       (best->charset.empty() || best->charset == "iso-8859-1"))) {
    bestq = q;
    return true;
  }
  if (v.encoding_quality < best->encoding_quality) return false;
  if (v.encoding_quality > best->encoding_quality) {
    bestq = q;
    return true;
  }
  if (v.bytes >= best->bytes) return false;
  bestq = q;
  return true;
}

bool has_language(const Variant& v, std::string_view lang) {
  return std::find(v.languages.begin(), v.languages.end(), lang) != v.languages.end();
}

// httpd's discard_variant_by_env (no-gzip, gzip-only-text/html).
bool discarded_by_env(const Input& in, const Variant& v) {
  if (is_identity_encoding(v.encoding) || v.encoding == "identity") return false;
  if (in.no_gzip) return true;
  return in.gzip_only_text_html && !v.mime_type.starts_with("text/html");
}

// httpd's best_match: true for a choice (`best` set), false for a list.
bool best_match(State& st, std::vector<Variant>& vars, int& best) {
  bool prefer = st.in.prefer_language.has_value();
  const std::string_view preferred = st.in.prefer_language.value_or(std::string_view{});
  set_default_lang_quality(st, vars);
  bool choice = false;
  while (true) {
    best = -1;
    float bestq = 0.0f;
    for (size_t j = 0; j < vars.size(); ++j) {
      Variant& v = vars[j];
      if ((st.in.no_gzip || st.in.gzip_only_text_html) && discarded_by_env(st.in, v)) continue;
      if (prefer && !has_language(v, preferred)) continue;
      set_accept_quality(st, v);
      if (prefer) {
        v.lang_quality = 1.0f;
        v.definite = true;
      } else {
        set_language_quality(st, v);
      }
      set_encoding_quality(st, v);
      set_charset_quality(st, v);
      if (!st.may_choose) continue;
      const Variant* cur = best >= 0 ? &vars[static_cast<size_t>(best)] : nullptr;
      const bool better =
          st.use_rvsa ? is_variant_better_rvsa(v, cur, bestq) : is_variant_better(v, cur, bestq);
      if (better) best = static_cast<int>(j);
    }
    if (st.use_rvsa)
      choice = best >= 0 && vars[static_cast<size_t>(best)].definite && bestq > 0;
    else
      choice = bestq > 0;
    if (prefer && (best < 0 || !choice)) {
      prefer = false;
      continue;
    }
    return choice;
  }
}

// The Alternates entry's q: "%1.3f" with trailing zeros stripped (httpd's set_neg_headers).
std::string format_source_q(float q) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%1.3f", static_cast<double>(q));
  std::string s(buf, 5);
  if (s[4] == '0') {
    s.resize(4);
    if (s[3] == '0') {
      s.resize(3);
      if (s[2] == '0') s.resize(1);
    }
  }
  return s;
}

// httpd's set_neg_headers: Vary from the dimensions the variants differ in, TCN, and
// Alternates when asked for.
void set_neg_headers(const State& st, const std::vector<Variant>& vars, bool choice, Outcome& out) {
  bool by_type = false, by_lang = false, by_charset = false, by_enc = false;
  std::string alternates;
  const Variant* first = vars.empty() ? nullptr : &vars.front();
  const std::string first_lang = first ? join_languages(*first) : std::string();
  for (const Variant& v : vars) {
    const std::string lang = join_languages(v);
    by_type = by_type || v.mime_type != first->mime_type;
    by_charset = by_charset || v.charset != first->charset;
    by_lang = by_lang || lang != first_lang;
    by_enc = by_enc || v.encoding != first->encoding;
    if (!st.send_alternates) continue;
    if (!alternates.empty()) alternates.append(", ");
    alternates.append("{\"").append(escape_path_segment(v.file_name)).append("\" ");
    alternates.append(format_source_q(v.source_quality));
    if (!v.mime_type.empty()) alternates.append(" {type ").append(v.mime_type).append("}");
    if (!v.charset.empty()) alternates.append(" {charset ").append(v.charset).append("}");
    if (!lang.empty()) alternates.append(" {language ").append(lang).append("}");
    if (!v.encoding.empty()) alternates.append(" {encoding ").append(v.encoding).append("}");
    if (!v.has_handler && v.bytes >= 0)
      alternates.append(" {length ").append(std::to_string(v.bytes)).append("}");
    alternates.append("}");
  }
  out.alternates = std::move(alternates);
  // httpd's header filter (fixup_vary) rejoins the Vary tokens with ',' alone.
  std::string vary;
  if (st.is_transparent) vary.append(",negotiate");
  if (by_type) vary.append(",accept");
  if (by_lang) vary.append(",accept-language");
  if (by_charset) vary.append(",accept-charset");
  if (by_enc) vary.append(",accept-encoding");
  out.vary = vary.empty() ? std::string() : vary.substr(1);
  if (st.is_transparent) out.tcn = choice ? "choice" : "list";
}

}  // namespace

Variant make_variant(std::string file_name, std::string_view content_type,
                     std::string_view encoding, std::vector<std::string> languages, int64_t bytes,
                     bool has_handler) {
  Variant v;
  v.file_name = std::move(file_name);
  v.content_type = std::string(content_type);
  const AcceptItem t = parse_media_type(content_type);
  v.mime_type = t.name;
  v.source_quality = t.quality;
  v.level = t.level;
  v.charset = t.charset;
  v.is_pseudo_html =
      v.mime_type == "text/html" || v.mime_type == kIncludesMagic || v.mime_type == kIncludesMagic3;
  v.encoding = std::string(encoding);
  for (std::string& l : languages) lower_in_place(l);
  v.languages = std::move(languages);
  v.bytes = bytes;
  v.has_handler = has_handler;
  return v;
}

void sort_variants(std::vector<Variant>& variants) {
  std::stable_sort(variants.begin(), variants.end(), [](const Variant& a, const Variant& b) {
    if (a.source_quality != b.source_quality) return a.source_quality > b.source_quality;
    return a.file_name < b.file_name;
  });
}

Outcome negotiate(std::vector<Variant>& variants, const Input& in) {
  State st{in, header_items(in.accept), header_items(in.accept_encoding),
           header_items(in.accept_charset), header_items(in.accept_language)};
  if (st.accepts) {
    for (const AcceptItem& a : *st.accepts)
      if (a.quality < 1.0f) st.accept_q = true;
  }
  st.is_transparent = in.get_or_head;
  if (st.is_transparent)
    parse_negotiate(st);
  else
    st.may_choose = true;
  add_default_accepts(st);
  Outcome out;
  const bool choice = best_match(st, variants, out.best);
  if (!choice) {
    st.send_alternates = true;
    set_neg_headers(st, variants, false, out);
    if (st.is_transparent && st.ua_supports_trans) {
      out.status = 300;
      return out;
    }
    if (out.best < 0) {
      out.status = 406;
      return out;
    }
  }
  // A choice (or a list with a best variant: httpd serves it).
  set_neg_headers(st, variants, true, out);
  if (!st.is_transparent) out.tcn.clear();
  return out;
}

std::string variant_list_html(const std::vector<Variant>& variants) {
  std::string out = "Available variants:\n<ul>\n";
  for (const Variant& v : variants) {
    out.append("<li><a href=\"").append(escape_path_segment(v.file_name)).append("\">");
    append_html_escaped(out, v.file_name);
    out.append("</a> ");
    if (!v.mime_type.empty()) out.append(", type ").append(v.mime_type);
    if (!v.languages.empty()) out.append(", language ").append(join_languages(v));
    if (!v.charset.empty()) out.append(", charset ").append(v.charset);
    if (!v.encoding.empty()) out.append(", encoding ").append(v.encoding);
    out.append("</li>\n");
  }
  out.append("</ul>\n");
  return out;
}

}  // namespace tern::negotiation
