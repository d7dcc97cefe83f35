// mod_autoindex's HTML output (httpd's emit_preamble and output_directories), byte
// for byte as httpd 2.4.71 writes it.

#include <algorithm>
#include <cctype>
#include <ctime>

#include "modules/autoindex_listing.h"
#include "modules/autoindex_text.h"

namespace tern::autoindex {

namespace {

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
  const char* fmt = d.datetime_format ? d.datetime_format->c_str() : "%Y-%m-%d %H:%M";
  const size_t n = std::strftime(buf, sizeof(buf), fmt, &tm);
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
  if (width < 3) {  // NameWidth=0 (httpd reads out of bounds here)
    scratch.assign(std::string_view("..>").substr(0, static_cast<size_t>(std::max(width, 0))));
    return scratch;
  }
  scratch.assign(t2.substr(0, static_cast<size_t>(width - 3)));
  scratch.append("..>");
  return scratch;
}

// The spaces that pad a name cell of `shown` to `width`.
void pad_name(std::string& out, std::string_view shown, int width) {
  if (width > static_cast<int>(shown.size()))
    out.append(static_cast<size_t>(width - static_cast<int>(shown.size())), ' ');
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
    pad_name(out, shown, name_width);
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
  pad_name(out, shown, name_width);
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
