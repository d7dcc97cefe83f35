// mod_autoindex's ordering and matching (httpd's dsortf, find_item, find_desc,
// ignore_entry) and the query string that sorts and filters a listing (the first part
// of httpd's index_directory).

#include <fnmatch.h>

#include <cstring>

#include "modules/autoindex_listing.h"
#include "modules/autoindex_text.h"

namespace tern::autoindex {

namespace {

// The file name after the last '/'.
std::string_view base_name(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// httpd's dsortf as a signum.
int compare(const Entry& e1, const Entry& e2, const SortKey& k) {
  if (e1.parent) return -1;
  if (e2.parent) return 1;
  if (e1.isdir != e2.isdir) return e1.isdir ? -1 : 1;
  const Entry& c1 = k.ascending ? e1 : e2;
  const Entry& c2 = k.ascending ? e2 : e1;
  int result = 0;
  switch (k.key) {
    case 'M':
      if (c1.lm != c2.lm) return c1.lm > c2.lm ? 1 : -1;
      break;
    case 'S':
      if (c1.size != c2.size) return c1.size > c2.size ? 1 : -1;
      break;
    case 'D': {
      const std::string_view d1 = c1.desc ? std::string_view(*c1.desc) : "";
      const std::string_view d2 = c2.desc ? std::string_view(*c2.desc) : "";
      result = k.version_sort ? natural_compare(d1, d2, false) : byte_compare(d1, d2, false);
      if (result != 0) return result;
      break;
    }
    default:
      break;
  }
  if (k.version_sort) {
    if (k.ignore_case) result = natural_compare(c1.name, c2.name, true);
    if (result == 0) result = natural_compare(c1.name, c2.name, false);
  }
  if (result == 0 && k.ignore_case) result = byte_compare(c1.name, c2.name, true);
  if (result == 0) result = byte_compare(c1.name, c2.name, false);
  return result;
}

}  // namespace

bool entry_before(const Entry& a, const Entry& b, const SortKey& k) {
  if (&a == &b) return false;
  return compare(a, b, k) < 0;
}

std::string_view find_item(std::string_view content_type, std::string_view encoding,
                           std::string_view path, const std::vector<Item>& list, bool path_only) {
  const bool special = !path.empty() && path[0] == '^';
  for (const Item& p : list) {
    if (!special && !wildcard_match(path, p.apply_path)) continue;
    if (p.apply_to.empty()) return p.data;
    if (p.by == Item::By::kPath || special) {
      if (wildcard_match(path, p.apply_to)) return p.data;
    } else if (!path_only) {
      if (encoding.empty()) {
        if (p.by == Item::By::kType && !content_type.empty() &&
            wildcard_match(content_type, p.apply_to, true))
          return p.data;
      } else if (p.by == Item::By::kEncoding && wildcard_match(encoding, p.apply_to, true)) {
        return p.data;
      }
    }
  }
  return {};
}

std::optional<std::string> find_desc(const AutoindexDirConfig& d, std::string_view path) {
  const std::string_view only = base_name(path);
  for (const Description& t : d.desc_list) {
    const std::string name(t.full_path ? path : only);
    const bool found = t.wildcards ? ::fnmatch(t.pattern.c_str(), name.c_str(), 0) == 0
                                   : name.find(t.pattern) != std::string::npos;
    if (found) return t.description;
  }
  return std::nullopt;
}

bool ignore_entry(const AutoindexDirConfig& d, std::string_view path) {
  const std::string_view tt = base_name(path);
  for (const Item& p : d.ign_list) {
    if (wildcard_match(path, p.apply_path) && wildcard_match(tt, base_name(p.apply_to)))
      return true;
  }
  return false;
}

namespace {

// httpd's ap_unescape_url for P=: false on a bad escape or an encoded '/' or NUL.
bool unescape_url(std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (i + 2 >= s.size()) return false;
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return false;
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '/' || c == '\0') return false;
    out.push_back(c);
    i += 2;
  }
  s = std::move(out);
  return true;
}

// True when q[3] ends a C=/O=/F=/V= parameter ('&', ';' or the end).
bool param_end(std::string_view q) {
  return q.size() == 3 || q[3] == '&' || q[3] == ';';
}

}  // namespace

ListingQuery parse_listing_query(const AutoindexDirConfig& d, unsigned opts,
                                 std::optional<std::string_view> query) {
  ListingQuery lq;
  lq.keyid = d.default_keyid != 0 ? d.default_keyid : 'N';
  lq.direction = d.default_direction != 0 ? d.default_direction : 'A';
  lq.opts = opts;
  if (opts & kIgnoreClient) {
    lq.opts |= kSuppressColSort;
    return lq;
  }
  std::string fval, vval, ppre, epattern;
  std::string_view q = query.value_or("");
  while (!q.empty()) {
    auto advance = [&] { q.remove_prefix(q.size() > 3 ? 4 : 3); };
    if (q.size() >= 3 && q[0] == 'C' && q[1] == '=' && std::strchr("NMSD", q[2]) && q[2] != '\0' &&
        param_end(q)) {
      lq.keyid = q[2];
      advance();
    } else if (q.size() >= 3 && q[0] == 'O' && q[1] == '=' && (q[2] == 'A' || q[2] == 'D') &&
               param_end(q)) {
      lq.direction = q[2];
      advance();
    } else if (q.size() >= 3 && q[0] == 'F' && q[1] == '=' && std::strchr("012", q[2]) &&
               q[2] != '\0' && param_end(q)) {
      if (q[2] == '0') {
        lq.opts &= ~(kFancyIndexing | kTableIndexing);
      } else if (q[2] == '1') {
        lq.opts = (lq.opts | kFancyIndexing) & ~kTableIndexing;
      } else {
        lq.opts |= kFancyIndexing | kTableIndexing;
      }
      fval = std::string(";F=") + q[2];
      advance();
    } else if (q.size() >= 3 && q[0] == 'V' && q[1] == '=' && (q[2] == '0' || q[2] == '1') &&
               param_end(q)) {
      if (q[2] == '0') {
        lq.opts &= ~kVersionSort;
      } else {
        lq.opts |= kVersionSort;
      }
      vval = std::string(";V=") + q[2];
      advance();
    } else if (q.size() >= 2 && q[0] == 'P' && q[1] == '=') {
      q.remove_prefix(2);
      const size_t eos = q.find_first_of("&;");
      const std::string_view value = q.substr(0, eos);
      if (value.empty()) {
        lq.pattern.reset();
      } else {
        std::string p(value);
        if (unescape_url(p)) {
          ppre = ";P=";
          epattern.clear();
          append_os_escaped_path(epattern, p, true);
          lq.pattern = std::move(p);
        } else {
          lq.pattern.reset();
        }
      }
      if (eos == std::string_view::npos || eos + 1 >= q.size()) break;
      q.remove_prefix(eos + 1);
    } else {
      break;  // a syntax error: the rest is ignored
    }
  }
  lq.colargs = fval + vval + ppre + epattern;
  return lq;
}

}  // namespace tern::autoindex
