// core's per-directory Options and AllowOverride, with httpd's messages.

#include "modules/core_options.h"

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "config/directive_table.h"
#include "modules/core_dir.h"

namespace tern::modules {
extern const Module core_module;
}  // namespace tern::modules

namespace tern::cfg {

namespace {

// The OPT_* bit of an option name (case-insensitive), 0 when unknown.
unsigned option_bit(std::string_view w) {
  if (iequals(w, "Indexes")) return kOptIndexes;
  if (iequals(w, "Includes")) return kOptIncludes;
  if (iequals(w, "IncludesNOEXEC")) return kOptIncludes | kOptIncNoExec;
  if (iequals(w, "FollowSymLinks")) return kOptSymLinks;
  if (iequals(w, "SymLinksIfOwnerMatch")) return kOptSymOwner;
  if (iequals(w, "ExecCGI")) return kOptExecCGI;
  if (iequals(w, "MultiViews")) return kOptMultiViews;
  if (iequals(w, "All")) return kOptAll;
  return 0;
}

// Parses "Options=Indexes,MultiViews" of AllowOverride into option bits.
std::string parse_override_options(std::string_view list, unsigned* bits) {
  *bits = 0;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view w = list.substr(0, comma);
    const unsigned b = option_bit(w);
    if (b == 0 && !iequals(w, "None"))
      return "Illegal option " + std::string(w) + " in AllowOverride Options=";
    *bits |= b;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return "";
}

}  // namespace

std::string set_options(BuildState& st, const Cmd& c) {
  CoreDirConfig& conf = dir_scope<CoreDirConfig>(st, modules::core_module);
  unsigned opts = 0, add = 0, remove = 0;
  bool signed_seen = false, plain_seen = false;
  for (const Word& word : c.args) {
    std::string_view w = word.text;
    char action = 0;
    if (!w.empty() && (w.front() == '+' || w.front() == '-')) {
      action = w.front();
      w.remove_prefix(1);
    }
    (action != 0 ? signed_seen : plain_seen) = true;
    if (signed_seen && plain_seen)
      return "Either all Options must start with + or -, or no Option may.";
    if (iequals(w, "None")) {
      if (action != 0) return "Illegal option " + std::string(word.text);
      opts = 0;
      continue;
    }
    const unsigned bit = option_bit(w);
    if (bit == 0) return "Illegal option " + std::string(w);
    if (st.in_htaccess && (bit & ~st.htaccess_override_opts & ~kOptIncNoExec) != 0)
      return "Option " + std::string(w) + " not allowed here";
    if (action == '+') {
      add |= bit;
      remove &= ~bit;
    } else if (action == '-') {
      remove |= bit;
      add &= ~bit;
    } else {
      opts |= bit;
    }
  }
  if (plain_seen) {
    conf.opts_set = true;
    conf.opts = opts;
    conf.opts_add = conf.opts_remove = 0;
  } else if (conf.opts_set) {
    conf.opts = (conf.opts & ~remove) | add;
  } else {
    conf.opts_add = (conf.opts_add & ~remove) | add;
    conf.opts_remove = (conf.opts_remove & ~add) | remove;
  }
  return "";
}

std::string set_allow_override(BuildState& st, const Cmd& c) {
  CoreDirConfig& conf = dir_scope<CoreDirConfig>(st, modules::core_module);
  unsigned bits = 0;
  unsigned opts = kOptAll | kOptMultiViews | kOptSymOwner | kOptIncNoExec;
  for (const Word& word : c.args) {
    std::string_view w = word.text;
    if (iequals(w, "None")) {
      bits = 0;
    } else if (iequals(w, "All")) {
      bits = kOverrideAll;
    } else if (iequals(w, "Limit")) {
      bits |= kOverrideLimit;
    } else if (iequals(w, "Options")) {
      bits |= kOverrideOptions;
    } else if (w.size() > 8 && iequals(w.substr(0, 8), "Options=")) {
      bits |= kOverrideOptions;
      std::string err = parse_override_options(w.substr(8), &opts);
      if (!err.empty()) return err;
    } else if (iequals(w, "FileInfo")) {
      bits |= kOverrideFileInfo;
    } else if (iequals(w, "AuthConfig")) {
      bits |= kOverrideAuthConfig;
    } else if (iequals(w, "Indexes")) {
      bits |= kOverrideIndexes;
    } else if (iequals(w, "Nonfatal=Override") || iequals(w, "Nonfatal=Unknown") ||
               iequals(w, "Nonfatal=All")) {
      // httpd 2.4.4+: errors in .htaccess become warnings; tern refuses to fail open.
      return "AllowOverride " + std::string(w) +
             " is not supported by tern (an .htaccess error always answers 500)";
    } else {
      return "Illegal override option " + std::string(w);
    }
  }
  conf.allow_override = bits;
  conf.override_opts = opts;
  return "";
}

std::string set_allow_override_list(BuildState& st, const Cmd& c) {
  CoreDirConfig& conf = dir_scope<CoreDirConfig>(st, modules::core_module);
  std::vector<std::string> names;
  if (c.args.size() == 1 && iequals(c.args[0].text, "None")) {
    conf.allow_override_list = std::move(names);
    return "";
  }
  for (const Word& w : c.args) {
    if (iequals(w.text, "None"))
      return "'None' not allowed with other directives in AllowOverrideList";
    names.push_back(w.text);
  }
  conf.allow_override_list = std::move(names);
  return "";
}

}  // namespace tern::cfg
