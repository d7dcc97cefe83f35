// autoindex_module (mod_autoindex.c): its directives and per-directory configuration.
// The listing itself is autoindex_listing.cpp; the handler entry is autoindex.h.

#include <fnmatch.h>

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "config/directive_table.h"
#include "modules/autoindex_config.h"
#include "modules/autoindex_text.h"
#include "modules/dir_configs.h"

namespace tern {

namespace modules {
extern const Module autoindex_module;
}  // namespace modules

namespace autoindex {

namespace {

// apr_array_append(add, base): add's entries first.
template <class T>
std::vector<T> append(const std::vector<T>& add, const std::vector<T>& base) {
  std::vector<T> out = add;
  out.insert(out.end(), base.begin(), base.end());
  return out;
}

template <class T>
const std::optional<T>& pick(const std::optional<T>& add, const std::optional<T>& base) {
  return add ? add : base;
}

}  // namespace

std::unique_ptr<ModuleConfig> AutoindexDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const AutoindexDirConfig&>(add_base);
  const AutoindexDirConfig& base = *this;
  auto n = std::make_unique<AutoindexDirConfig>();
  n->default_icon = pick(add.default_icon, base.default_icon);
  n->style_sheet = pick(add.style_sheet, base.style_sheet);
  n->head_insert = pick(add.head_insert, base.head_insert);
  n->header = pick(add.header, base.header);
  n->readme = pick(add.readme, base.readme);
  n->icon_height = add.icon_height != 0 ? add.icon_height : base.icon_height;
  n->icon_width = add.icon_width != 0 ? add.icon_width : base.icon_width;
  n->ctype = pick(add.ctype, base.ctype);
  n->charset = pick(add.charset, base.charset);
  n->datetime_format = pick(add.datetime_format, base.datetime_format);
  n->alt_list = append(add.alt_list, base.alt_list);
  n->desc_list = append(add.desc_list, base.desc_list);
  n->icon_list = append(add.icon_list, base.icon_list);
  n->ign_list = add.ign_noinherit ? add.ign_list : append(add.ign_list, base.ign_list);
  if (add.opts == kNoOptions) {
    // An explicit `IndexOptions None` also stops incremental options from above.
    n->opts = kNoOptions;
  } else {
    if (add.opts == kOptionUnset) {
      // Only incremental settings here: inherit, then apply them.
      n->incremented_opts = (base.incremented_opts | add.incremented_opts) & ~add.decremented_opts;
      n->decremented_opts = base.decremented_opts | add.decremented_opts;
      n->opts = base.opts & ~kNoOptions;
    } else {
      // Non-incremental settings here are the new base.
      n->opts = add.opts;
    }
    n->opts |= n->incremented_opts;
    n->opts &= ~n->decremented_opts;
  }
  if (add.name_adjust == Adjust::kUnset) {
    n->name_width = base.name_width;
    n->name_adjust = base.name_adjust;
  } else {
    n->name_width = add.name_width;
    n->name_adjust = add.name_adjust;
  }
  if (add.desc_adjust == Adjust::kUnset) {
    n->desc_width = base.desc_width;
    n->desc_adjust = base.desc_adjust;
  } else {
    n->desc_width = add.desc_width;
    n->desc_adjust = add.desc_adjust;
  }
  n->default_keyid = add.default_keyid != 0 ? add.default_keyid : base.default_keyid;
  n->default_direction =
      add.default_direction != 0 ? add.default_direction : base.default_direction;
  return n;
}

const AutoindexDirConfig* autoindex_config(const DirConfigs& dir) {
  static const int index = module_index(modules::autoindex_module);
  return dir_config<AutoindexDirConfig>(dir, index);
}

}  // namespace autoindex

namespace cfg {

namespace {

using autoindex::Adjust;
using autoindex::AutoindexDirConfig;
using autoindex::Item;

AutoindexDirConfig& conf_of(BuildState& st) {
  return dir_scope<AutoindexDirConfig>(st, modules::autoindex_module);
}

// httpd's cmd->path: the path of the section being read ("" at server level).
std::string section_path(const BuildState& st) {
  if (st.current_location < 0) return "";
  const SectionSpec& s = st.cfg.sections[static_cast<size_t>(st.current_location)];
  if ((s.kind == SectionKind::kDirectory || s.kind == SectionKind::kHtaccess) && !s.is_regex &&
      !s.pattern.ends_with('/'))
    return s.pattern + "/";
  return s.pattern;
}

// httpd's push_item.
void push_item(BuildState& st, std::vector<Item>& list, Item::By by, std::string to,
               std::string data) {
  Item it;
  it.by = by;
  it.data = std::move(data);
  it.apply_path = section_path(st) + "*";
  it.apply_to = (by == Item::By::kPath && !autoindex::is_matchexp(to)) ? "*" + to : std::move(to);
  list.push_back(std::move(it));
}

std::string normalise_to(Item::By by, std::string to) {
  if (by == Item::By::kPath && to == "**DIRECTORY**") return "^^DIRECTORY^^";
  if (by == Item::By::kEncoding)
    for (char& ch : to) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return to;
}

std::string add_alt(BuildState& st, const Cmd& c, Item::By by) {
  AutoindexDirConfig& d = conf_of(st);
  for (size_t i = 1; i < c.args.size(); ++i)
    push_item(st, d.alt_list, by, normalise_to(by, c.args[i].text), c.args[0].text);
  return "";
}

std::string add_icon(BuildState& st, const Cmd& c, Item::By by) {
  AutoindexDirConfig& d = conf_of(st);
  std::string icon = c.args[0].text;
  std::string alt;
  bool has_alt = false;
  if (!icon.empty() && icon[0] == '(') {
    // "(ALT,/icons/x.gif)": the alt text before the comma, the icon after it.
    const size_t close = icon.find(')');
    if (close == std::string::npos) return "missing closing paren";
    const size_t comma = icon.find(',');
    std::string inner = icon.substr(0, close);
    if (comma != std::string::npos && comma < close) {
      alt = icon.substr(1, comma - 1);
      icon = icon.substr(comma + 1, close - comma - 1);
    } else {
      alt = inner.substr(1);
      icon.clear();
    }
    has_alt = true;
  }
  for (size_t i = 1; i < c.args.size(); ++i) {
    const std::string to = normalise_to(by, c.args[i].text);
    if (has_alt) push_item(st, d.alt_list, by, to, alt);
    push_item(st, d.icon_list, by, to, icon);
  }
  return "";
}

std::string set_add_icon(BuildState& st, const Cmd& c) {
  return add_icon(st, c, Item::By::kPath);
}
std::string set_add_icon_by_type(BuildState& st, const Cmd& c) {
  return add_icon(st, c, Item::By::kType);
}
std::string set_add_icon_by_encoding(BuildState& st, const Cmd& c) {
  return add_icon(st, c, Item::By::kEncoding);
}
std::string set_add_alt(BuildState& st, const Cmd& c) {
  return add_alt(st, c, Item::By::kPath);
}
std::string set_add_alt_by_type(BuildState& st, const Cmd& c) {
  return add_alt(st, c, Item::By::kType);
}
std::string set_add_alt_by_encoding(BuildState& st, const Cmd& c) {
  return add_alt(st, c, Item::By::kEncoding);
}

// httpd's add_desc (not a case-blind file system: wildcards only when needed).
std::string set_add_description(BuildState& st, const Cmd& c) {
  AutoindexDirConfig& d = conf_of(st);
  for (size_t i = 1; i < c.args.size(); ++i) {
    const std::string& to = c.args[i].text;
    autoindex::Description e;
    e.full_path = to.find('/') != std::string::npos;
    e.wildcards = e.full_path || to.find_first_of("*?[") != std::string::npos;
    e.pattern = e.wildcards ? std::string(e.full_path ? "*/" : "*") + to + "*" : to;
    e.description = c.args[0].text;
    d.desc_list.push_back(std::move(e));
  }
  return "";
}

std::string set_index_ignore(BuildState& st, const Cmd& c) {
  AutoindexDirConfig& d = conf_of(st);
  for (const Word& w : c.args) push_item(st, d.ign_list, Item::By::kNone, w.text, "");
  return "";
}

std::string set_index_ignore_reset(BuildState& st, const Cmd& c) {
  conf_of(st).ign_noinherit = iequals(c.args[0].text, "on");
  return "";
}

// The IndexOptions keyword's bit, 0 when it is not a plain flag.
unsigned option_bit(std::string_view w) {
  using namespace autoindex;
  static constexpr std::pair<std::string_view, unsigned> kFlags[] = {
      {"FancyIndexing", kFancyIndexing},
      {"FoldersFirst", kFoldersFirst},
      {"HTMLTable", kTableIndexing},
      {"IconsAreLinks", kIconsAreLinks},
      {"IgnoreCase", kIgnoreCase},
      {"IgnoreClient", kIgnoreClient},
      {"SuppressColumnSorting", kSuppressColSort},
      {"SuppressDescription", kSuppressDesc},
      {"SuppressHTMLPreamble", kSuppressPreamble},
      {"SuppressIcon", kSuppressIcon},
      {"SuppressLastModified", kSuppressLastMod},
      {"SuppressSize", kSuppressSize},
      {"SuppressRules", kSuppressRules},
      {"VersionSort", kVersionSort},
      {"XHTML", kEmitXhtml},
      {"ShowForbidden", kShowForbidden},
      {"AddAltClass", kAddAltClass},
  };
  for (const auto& [name, bit] : kFlags)
    if (iequals(w, name)) return bit;
  return 0;
}

bool starts_with_nocase(std::string_view w, std::string_view prefix) {
  return w.size() >= prefix.size() && iequals(w.substr(0, prefix.size()), prefix);
}

// The keywords that are not plain flags (widths, Type=, Charset=, …); "" or an error.
// `*handled` is false when `w` is none of them.
std::string set_valued_option(AutoindexDirConfig& d, std::string_view w, char action,
                              bool* handled) {
  using namespace autoindex;
  *handled = true;
  if (iequals(w, "IconWidth")) {
    d.icon_width = action != '-' ? kDefaultIconWidth : 0;
  } else if (starts_with_nocase(w, "IconWidth=")) {
    if (action == '-') return "Cannot combine '-' with IconWidth=n";
    d.icon_width = std::atoi(std::string(w.substr(10)).c_str());
  } else if (iequals(w, "IconHeight")) {
    d.icon_height = action != '-' ? kDefaultIconHeight : 0;
  } else if (starts_with_nocase(w, "IconHeight=")) {
    if (action == '-') return "Cannot combine '-' with IconHeight=n";
    d.icon_height = std::atoi(std::string(w.substr(11)).c_str());
  } else if (iequals(w, "NameWidth")) {
    if (action != '-') return "NameWidth with no value may only appear as '-NameWidth'";
    d.name_width = kDefaultNameWidth;
    d.name_adjust = Adjust::kNoAdjust;
  } else if (starts_with_nocase(w, "NameWidth=")) {
    if (action == '-') return "Cannot combine '-' with NameWidth=n";
    if (w.size() > 10 && w[10] == '*') {
      d.name_adjust = Adjust::kAdjust;
    } else {
      const int width = std::atoi(std::string(w.substr(10)).c_str());
      if (width != 0 && width < 5) return "NameWidth value must be greater than 5";
      d.name_width = width;
      d.name_adjust = Adjust::kNoAdjust;
    }
  } else if (iequals(w, "DescriptionWidth")) {
    if (action != '-')
      return "DescriptionWidth with no value may only appear as '-DescriptionWidth'";
    d.desc_width = kDefaultDescWidth;
    d.desc_adjust = Adjust::kNoAdjust;
  } else if (starts_with_nocase(w, "DescriptionWidth=")) {
    if (action == '-') return "Cannot combine '-' with DescriptionWidth=n";
    if (w.size() > 17 && w[17] == '*') {
      d.desc_adjust = Adjust::kAdjust;
    } else {
      const int width = std::atoi(std::string(w.substr(17)).c_str());
      if (width != 0 && width < 12) return "DescriptionWidth value must be greater than 12";
      d.desc_width = width;
      d.desc_adjust = Adjust::kNoAdjust;
    }
  } else if (starts_with_nocase(w, "Type=")) {
    d.ctype = std::string(w.substr(5));
  } else if (starts_with_nocase(w, "Charset=")) {
    d.charset = std::string(w.substr(8));
  } else if (iequals(w, "UseOldDateFormat")) {
    d.datetime_format = "%d-%b-%Y %H:%M";
  } else {
    *handled = false;
  }
  return "";
}

// httpd's add_opts.
std::string set_index_options(BuildState& st, const Cmd& c) {
  using namespace autoindex;
  AutoindexDirConfig& d = conf_of(st);
  unsigned opts = d.opts, opts_add = d.incremented_opts, opts_remove = d.decremented_opts;
  for (const Word& word : c.args) {
    std::string_view w = word.text;
    char action = 0;
    if (!w.empty() && (w[0] == '+' || w[0] == '-')) {
      action = w[0];
      w.remove_prefix(1);
    }
    unsigned option = option_bit(w);
    if (option == 0) {
      if (iequals(w, "ScanHTMLTitles"))
        return "IndexOptions ScanHTMLTitles is not supported by tern: it would read every "
               "listed HTML file on each listing (use AddDescription)";
      if (iequals(w, "TrackModified"))
        return "IndexOptions TrackModified is not supported by tern (listings carry no "
               "Last-Modified or ETag)";
      if (iequals(w, "None")) {
        if (action != 0) return "Cannot combine '+' or '-' with 'None' keyword";
        opts = kNoOptions;
        opts_add = opts_remove = 0;
        continue;
      }
      bool handled = false;
      std::string err = set_valued_option(d, w, action, &handled);
      if (!err.empty()) return err;
      if (!handled) return "Invalid directory indexing option";
    }
    if (action == 0) {
      opts |= option;
      opts_add = opts_remove = 0;
    } else if (action == '+') {
      opts_add |= option;
      opts_remove &= ~option;
    } else {
      opts_remove |= option;
      opts_add &= ~option;
    }
  }
  if ((opts & kNoOptions) && (opts & ~kNoOptions))
    return "Cannot combine other IndexOptions keywords with 'None'";
  d.incremented_opts = opts_add;
  d.decremented_opts = opts_remove;
  d.opts = opts;
  return "";
}

std::string set_index_order_default(BuildState& st, const Cmd& c) {
  AutoindexDirConfig& d = conf_of(st);
  const std::string& dir = c.args[0].text;
  const std::string& key = c.args[1].text;
  char direction = 0, keyid = 0;
  if (iequals(dir, "Ascending")) {
    direction = 'A';
  } else if (iequals(dir, "Descending")) {
    direction = 'D';
  } else {
    return "First keyword must be 'Ascending' or 'Descending'";
  }
  if (iequals(key, "Name")) {
    keyid = 'N';
  } else if (iequals(key, "Date")) {
    keyid = 'M';
  } else if (iequals(key, "Size")) {
    keyid = 'S';
  } else if (iequals(key, "Description")) {
    keyid = 'D';
  } else {
    return "Second keyword must be 'Name', 'Date', 'Size', or 'Description'";
  }
  d.default_direction = direction;
  d.default_keyid = keyid;
  return "";
}

std::string set_header_name(BuildState& st, const Cmd& c) {
  conf_of(st).header = c.args[0].text;
  return "";
}
std::string set_readme_name(BuildState& st, const Cmd& c) {
  conf_of(st).readme = c.args[0].text;
  return "";
}
std::string set_default_icon(BuildState& st, const Cmd& c) {
  conf_of(st).default_icon = c.args[0].text;
  return "";
}
std::string set_index_style_sheet(BuildState& st, const Cmd& c) {
  conf_of(st).style_sheet = c.args[0].text;
  return "";
}
std::string set_index_head_insert(BuildState& st, const Cmd& c) {
  conf_of(st).head_insert = c.args[0].text;
  return "";
}
std::string set_fancy_indexing(BuildState&, const Cmd&) {
  return "The FancyIndexing directive is no longer supported. Use IndexOptions FancyIndexing.";
}

constexpr std::string_view kMod = "autoindex_module";
constexpr unsigned kCtx = kCtxServer | kCtxDir;

const DirectiveSpec kDirectives[] = {
    {"AddIcon", kCtx, Args::kIterate2, set_add_icon,
     "an icon URL followed by one or more filenames", kMod, kOverrideIndexes},
    {"AddIconByType", kCtx, Args::kIterate2, set_add_icon_by_type,
     "an icon URL followed by one or more MIME types", kMod, kOverrideIndexes},
    {"AddIconByEncoding", kCtx, Args::kIterate2, set_add_icon_by_encoding,
     "an icon URL followed by one or more content encodings", kMod, kOverrideIndexes},
    {"AddAlt", kCtx, Args::kIterate2, set_add_alt,
     "alternate descriptive text followed by one or more filenames", kMod, kOverrideIndexes},
    {"AddAltByType", kCtx, Args::kIterate2, set_add_alt_by_type,
     "alternate descriptive text followed by one or more MIME types", kMod, kOverrideIndexes},
    {"AddAltByEncoding", kCtx, Args::kIterate2, set_add_alt_by_encoding,
     "alternate descriptive text followed by one or more content encodings", kMod,
     kOverrideIndexes},
    {"IndexOptions", kCtx, Args::kIterate, set_index_options, "one or more index options [+|-][]",
     kMod, kOverrideIndexes},
    {"IndexOrderDefault", kCtx, Args::kTake2, set_index_order_default,
     "{Ascending,Descending} {Name,Size,Description,Date}", kMod, kOverrideIndexes},
    {"IndexIgnore", kCtx, Args::kIterate, set_index_ignore, "one or more file extensions", kMod,
     kOverrideIndexes},
    {"IndexIgnoreReset", kCtx, Args::kFlag, set_index_ignore_reset,
     "Reset the inherited list of IndexIgnore filenames", kMod, kOverrideIndexes},
    {"AddDescription", kCtx, Args::kIterate2, set_add_description,
     "Descriptive text followed by one or more filenames", kMod, kOverrideIndexes},
    {"HeaderName", kCtx, Args::kTake1, set_header_name, "a filename", kMod, kOverrideIndexes},
    {"ReadmeName", kCtx, Args::kTake1, set_readme_name, "a filename", kMod, kOverrideIndexes},
    {"FancyIndexing", kCtx, Args::kIterate, set_fancy_indexing,
     "The FancyIndexing directive is no longer supported. Use IndexOptions FancyIndexing.", kMod,
     kOverrideAll},
    {"DefaultIcon", kCtx, Args::kTake1, set_default_icon, "an icon URL", kMod, kOverrideIndexes},
    {"IndexStyleSheet", kCtx, Args::kTake1, set_index_style_sheet, "URL to style sheet", kMod,
     kOverrideIndexes},
    {"IndexHeadInsert", kCtx, Args::kTake1, set_index_head_insert,
     "String to insert in HTML HEAD section", kMod, kOverrideIndexes},
};

}  // namespace

}  // namespace cfg

namespace modules {

const Module autoindex_module{
    .name = "autoindex_module",
    .source = "mod_autoindex.c",
    .directives = cfg::kDirectives,
};

}  // namespace modules

}  // namespace tern
