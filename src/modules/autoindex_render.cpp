// mod_autoindex's ordering, matching and HTML output (httpd's dsortf, find_item,
// find_desc, ignore_entry, the query-string part of index_directory, emit_preamble and
// output_directories), byte for byte as httpd 2.4 writes them.

#include <fnmatch.h>

#include <cstring>
#include <ctime>

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

// httpd's terminate_description: cuts `desc` to `desc_width` visible characters.
std::string terminate_description(const AutoindexDirConfig& d, std::string desc, unsigned opts,
                                  int desc_width) {
  int maxsize = desc_width;
  if (d.desc_adjust == Adjust::kUnset) {
    if (opts & kSuppressIcon) maxsize += 6;
    if (opts & kSuppressLastMod) maxsize += 19;
    if (opts & kSuppressSize) maxsize += 7;
  }
  size_t x = 0;
  auto at = [&](size_t i) { return i < desc.size() ? desc[i] : '\0'; };
  for (; at(x) != '\0' && (maxsize > 0 || at(x) == '<'); ++x) {
    if (at(x) == '<') {
      while (at(x) != '>') {
        if (at(x) == '\0') {
          maxsize = 0;
          break;
        }
        ++x;
      }
    } else if (at(x) == '&') {
      --maxsize;  // an entity counts as one character
      for (; at(x) != ';'; ++x) {
        if (at(x) == '\0') {
          maxsize = 0;
          break;
        }
      }
    } else {
      --maxsize;
    }
  }
  if (maxsize == 0 && at(x) != '\0' && x > 0) {
    desc[x - 1] = '>';
    desc.resize(x);
  }
  return desc;
}

// httpd's emit_link: a column heading, a link reversing the order of the current key.
void emit_link(std::string& out, std::string_view anchor, char column, const ListingQuery& q,
               bool nosort) {
  if (nosort) {
    out.append(anchor);
    return;
  }
  out.append("<a href=\"?C=");
  out.push_back(column);
  out.append(";O=");
  out.push_back(q.keyid == column && q.direction == 'A' ? 'D' : 'A');
  out.append(q.colargs);
  out.append("\">");
  out.append(anchor);
  out.append("</a>");
}

void append_dims(std::string& out, const AutoindexDirConfig& d) {
  if (d.icon_width != 0) out.append(" width=\"" + std::to_string(d.icon_width) + "\"");
  if (d.icon_height != 0) out.append(" height=\"" + std::to_string(d.icon_height) + "\"");
}

void append_time(std::string& out, int64_t lm_usec, const AutoindexDirConfig& d) {
  const time_t t = static_cast<time_t>(lm_usec / 1000000);
  struct tm tm {};
  localtime_r(&t, &tm);
  char buf[32];
  const std::string& fmt = d.datetime_format ? *d.datetime_format : "%Y-%m-%d %H:%M";
  const size_t n = std::strftime(buf, sizeof(buf), fmt.c_str(), &tm);
  out.append(buf, n);
}

// The icon cell's <img> (or its blank), shared by the table and the pre listing.
void append_icon(std::string& out, const Entry& e, const AutoindexDirConfig& d, unsigned opts,
                 std::string_view blank) {
  if (!e.icon.empty() || d.default_icon) {
    out.append("<img src=\"");
    append_html_escaped(out, !e.icon.empty() ? e.icon : std::string_view(*d.default_icon));
    out.append("\" alt=\"[");
    out.append(!e.alt.empty() ? e.alt : "   ");
    out.append("]\"");
    append_dims(out, d);
    if (opts & kEmitXhtml) out.append(" /");
    out.append(">");
  } else {
    out.append(blank);
  }
}

// The visible name cut to `width` ("..>" at the end), and its length.
std::string_view clip_name(std::string_view t2, int width, std::string& scratch) {
  if (static_cast<int>(t2.size()) <= width) return t2;
  scratch.assign(t2.substr(0, static_cast<size_t>(width - 3)));
  scratch.append("..>");
  return scratch;
}

void render_table_head(std::string& out, const AutoindexDirConfig& d, const ListingQuery& q,
                       std::string& breakrow) {
  const unsigned opts = q.opts;
  const bool css = d.style_sheet.has_value();
  const bool nosort = (opts & kSuppressColSort) != 0;
  int cols = 1;
  out.append(css ? "  <table id=\"indexlist\">\n   <tr class=\"indexhead\">"
                 : "  <table>\n   <tr>");
  if (!(opts & kSuppressIcon)) {
    out.append(css ? "<th class=\"indexcolicon\">" : "<th valign=\"top\">");
    const std::string_view blank = find_item("", "", "^^BLANKICON^^", d.icon_list, true);
    if (!blank.empty()) {
      out.append("<img src=\"");
      append_html_escaped(out, blank);
      out.append("\" alt=\"[ICO]\"");
      append_dims(out, d);
      if (opts & kEmitXhtml) out.append(" /");
      out.append("></th>");
    } else {
      out.append("&nbsp;</th>");
    }
    ++cols;
  }
  out.append(css ? "<th class=\"indexcolname\">" : "<th>");
  emit_link(out, "Name", 'N', q, nosort);
  if (!(opts & kSuppressLastMod)) {
    out.append(css ? "</th><th class=\"indexcollastmod\">" : "</th><th>");
    emit_link(out, "Last modified", 'M', q, nosort);
    ++cols;
  }
  if (!(opts & kSuppressSize)) {
    out.append(css ? "</th><th class=\"indexcolsize\">" : "</th><th>");
    emit_link(out, "Size", 'S', q, nosort);
    ++cols;
  }
  if (!(opts & kSuppressDesc)) {
    out.append(css ? "</th><th class=\"indexcoldesc\">" : "</th><th>");
    emit_link(out, "Description", 'D', q, nosort);
    ++cols;
  }
  if (!(opts & kSuppressRules)) {
    breakrow = std::string("   <tr") + (css ? " class=\"indexbreakrow\"" : "") + "><th colspan=\"" +
               std::to_string(cols) + "\"><hr" + ((opts & kEmitXhtml) ? " /" : "") +
               "></th></tr>\n";
  }
  out.append("</th></tr>\n");
  out.append(breakrow);
}

void render_table_row(std::string& out, const Entry& e, size_t x, std::string_view anchor,
                      std::string_view t2, const AutoindexDirConfig& d, unsigned opts,
                      int name_width, int desc_width) {
  const bool css = d.style_sheet.has_value();
  if (css) {
    out.append("   <tr class=\"");
    out.append((x & 1) ? "odd" : "even");
    if (!e.alt.empty() && (opts & kAddAltClass)) {
      out.push_back('-');
      for (char c : e.alt)
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    out.append("\">");
  } else {
    out.append("<tr>");
  }
  if (!(opts & kSuppressIcon)) {
    out.append(css ? "<td class=\"indexcolicon\">" : "<td valign=\"top\">");
    if (opts & kIconsAreLinks) out.append("<a href=\"" + std::string(anchor) + "\">");
    append_icon(out, e, d, opts, "&nbsp;");
    out.append((opts & kIconsAreLinks) ? "</a></td>" : "</td>");
  }
  out.append(css ? "<td class=\"indexcolname\">" : "<td>");
  out.append("<a href=\"");
  out.append(anchor);
  out.append("\">");
  if (d.name_adjust == Adjust::kAdjust) {
    append_html_escaped(out, t2);
    out.append("</a>");
  } else {
    std::string scratch;
    const std::string_view shown = clip_name(t2, name_width, scratch);
    append_html_escaped(out, shown);
    out.append("</a>");
    out.append(static_cast<size_t>(name_width - static_cast<int>(shown.size())), ' ');
  }
  if (!(opts & kSuppressLastMod)) {
    if (e.lm != -1) {
      out.append(css ? "</td><td class=\"indexcollastmod\">" : "</td><td align=\"right\">");
      append_time(out, e.lm, d);
      out.append("  ");
    } else {
      out.append(css ? "</td><td class=\"indexcollastmod\">&nbsp;" : "</td><td>&nbsp;");
    }
  }
  if (!(opts & kSuppressSize)) {
    out.append(css ? "</td><td class=\"indexcolsize\">" : "</td><td align=\"right\">");
    out.append(format_size(e.size));
  }
  if (!(opts & kSuppressDesc)) {
    out.append(css ? "</td><td class=\"indexcoldesc\">" : "</td><td>");
    if (e.desc) {
      out.append(d.desc_adjust == Adjust::kAdjust
                     ? *e.desc
                     : terminate_description(d, *e.desc, opts, desc_width));
    } else {
      out.append("&nbsp;");
    }
  }
  out.append("</td></tr>\n");
}

void render_pre_head(std::string& out, const AutoindexDirConfig& d, const ListingQuery& q,
                     int name_width) {
  const unsigned opts = q.opts;
  const bool nosort = (opts & kSuppressColSort) != 0;
  out.append("<pre>");
  if (!(opts & kSuppressIcon)) {
    const std::string_view blank = find_item("", "", "^^BLANKICON^^", d.icon_list, true);
    if (!blank.empty()) {
      out.append("<img src=\"");
      append_html_escaped(out, blank);
      out.append("\" alt=\"Icon \"");
      append_dims(out, d);
      if (opts & kEmitXhtml) out.append(" /");
      out.append("> ");
    } else {
      out.append("      ");
    }
  }
  emit_link(out, "Name", 'N', q, nosort);
  if (name_width > 4) out.append(static_cast<size_t>(name_width - 4), ' ');
  out.append(" ");
  if (!(opts & kSuppressLastMod)) {
    emit_link(out, "Last modified", 'M', q, nosort);
    out.append("      ");
  }
  if (!(opts & kSuppressSize)) {
    emit_link(out, "Size", 'S', q, nosort);
    out.append("  ");
  }
  if (!(opts & kSuppressDesc)) emit_link(out, "Description", 'D', q, nosort);
  if (!(opts & kSuppressRules)) {
    out.append((opts & kEmitXhtml) ? "<hr />" : "<hr>");
  } else {
    out.push_back('\n');
  }
}

void render_pre_row(std::string& out, const Entry& e, std::string_view anchor, std::string_view t2,
                    const AutoindexDirConfig& d, unsigned opts, int name_width, int desc_width) {
  if (!(opts & kSuppressIcon)) {
    if (opts & kIconsAreLinks) out.append("<a href=\"" + std::string(anchor) + "\">");
    append_icon(out, e, d, opts, "     ");
    out.append((opts & kIconsAreLinks) ? "</a> " : " ");
  }
  std::string scratch;
  const std::string_view shown = clip_name(t2, name_width, scratch);
  out.append("<a href=\"");
  out.append(anchor);
  out.append("\">");
  append_html_escaped(out, shown);
  out.append("</a>");
  out.append(static_cast<size_t>(name_width - static_cast<int>(shown.size())), ' ');
  out.append(" ");
  if (!(opts & kSuppressLastMod)) {
    if (e.lm != -1) {
      append_time(out, e.lm, d);
      out.append("  ");
    } else {
      out.append("                   ");
    }
  }
  if (!(opts & kSuppressSize)) {
    out.append(format_size(e.size));
    out.append("  ");
  }
  if (!(opts & kSuppressDesc) && e.desc)
    out.append(terminate_description(d, *e.desc, opts, desc_width));
  out.push_back('\n');
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

void render_preamble(std::string& out, const AutoindexDirConfig& d, bool xhtml,
                     std::string_view title) {
  if (xhtml) {
    out.append(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n <head>\n  <title>Index of ");
  } else {
    out.append(
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" "
        "\"http://www.w3.org/TR/html4/strict.dtd\">\n"
        "<html>\n <head>\n  <title>Index of ");
  }
  out.append(title);
  out.append("</title>\n");
  if (d.style_sheet) {
    out.append("  <link rel=\"stylesheet\" href=\"" + *d.style_sheet + "\" type=\"text/css\"");
    out.append(xhtml ? " />\n" : ">\n");
  }
  if (d.head_insert) out.append(*d.head_insert);
  out.append(" </head>\n <body>\n");
}

void render_entries(std::string& out, const std::vector<Entry>& entries,
                    const AutoindexDirConfig& d, const ListingQuery& q) {
  const unsigned opts = q.opts;
  int name_width = d.name_width;
  int desc_width = d.desc_width;
  if ((opts & (kFancyIndexing | kTableIndexing)) == kFancyIndexing) {
    for (const Entry& e : entries) {
      if (d.name_adjust == Adjust::kAdjust)
        name_width = std::max(name_width, static_cast<int>(e.name.size()));
      if (d.desc_adjust == Adjust::kAdjust && e.desc)
        desc_width = std::max(desc_width, static_cast<int>(e.desc->size()));
    }
  }
  std::string breakrow;
  if (opts & kTableIndexing) {
    render_table_head(out, d, q, breakrow);
  } else if (opts & kFancyIndexing) {
    render_pre_head(out, d, q, name_width);
  } else {
    out.append("<ul>");
  }
  std::string anchor_raw, anchor;
  for (size_t x = 0; x < entries.size(); ++x) {
    const Entry& e = entries[x];
    anchor_raw.clear();
    append_os_escaped_path(anchor_raw, e.name, false);
    anchor.clear();
    append_html_escaped(anchor, anchor_raw);
    const std::string_view t2 =
        (x == 0 && e.parent) ? "Parent Directory" : std::string_view(e.name);
    if (opts & kTableIndexing) {
      render_table_row(out, e, x, anchor, t2, d, opts, name_width, desc_width);
    } else if (opts & kFancyIndexing) {
      render_pre_row(out, e, anchor, t2, d, opts, name_width, desc_width);
    } else {
      out.append("<li><a href=\"" + anchor + "\"> ");
      append_html_escaped(out, t2);
      out.append("</a></li>\n");
    }
  }
  if (opts & kTableIndexing) {
    out.append(breakrow);
    out.append("</table>\n");
  } else if (opts & kFancyIndexing) {
    out.append(!(opts & kSuppressRules) ? ((opts & kEmitXhtml) ? "<hr /></pre>\n" : "<hr></pre>\n")
                                        : "</pre>\n");
  } else {
    out.append("</ul>\n");
  }
}

}  // namespace tern::autoindex
