#pragma once
// The mutable state shared by the parser and the directive setters while a
// configuration is being read. Internal to src/config.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_lexer.h"
#include "config/module_set.h"

namespace tern::cfg {

// Where a directive may appear (bitmask).
enum Context : unsigned {
  kCtxServer = 1,         // top level (server config)
  kCtxLocation = 2,       // inside <Location> / <LocationMatch>
  kCtxRequire = 4,        // inside <RequireAll> / <RequireAny>
  kCtxDirectory = 8,      // inside <Directory> / <DirectoryMatch>
  kCtxFiles = 16,         // inside <Files> / <FilesMatch>
  kCtxIf = 32,            // inside <If> / <ElseIf> / <Else>
  kCtxHtaccess = 64,      // an .htaccess file (allowed by the row's AllowOverride class)
  kCtxVirtualHost = 128,  // inside <VirtualHost>
  // httpd's ACCESS_CONF: every per-directory section of the main configuration.
  kCtxDir = kCtxLocation | kCtxDirectory | kCtxFiles | kCtxIf,
};

// A source position.
struct Where {
  std::string file;
  int line = 0;
};

// One directive occurrence as the setters see it.
struct Cmd {
  std::string name;           // canonical directive name from the table, e.g. "Listen"
  std::vector<Word> args;     // arguments, quotes removed
  std::string file;           // file name for messages
  int line = 0;               // first physical line
  unsigned ctx = kCtxServer;  // the context it appears in
};

struct BuildState;

// One directive (or a section's opening or closing line) read inside a <VirtualHost>,
// applied later to a copy of the finished main server (config/vhost_build.h).
struct RecordedDirective {
  std::string (*apply)(BuildState&, const Cmd&) = nullptr;  // the row's setter or close
  Cmd cmd;
};

// A <VirtualHost> section as read: its addresses and its directives in order.
struct VhostDraft {
  std::vector<VhostAddress> addresses;
  std::vector<RecordedDirective> directives;
  std::string file;
  int line = 0;
};

// Formats the one-line error "FILE:LINE: DIRECTIVE: message".
std::string format_error(const std::string& file, int line, std::string_view directive,
                         std::string_view message);

// Everything the setters read and write while building a Config.
struct BuildState {
  Config cfg;
  std::string server_root;                  // current ServerRoot (absolute)
  std::set<std::string> defines;            // -D / Define names (for <IfDefine>)
  std::map<std::string, std::string> vars;  // Define NAME value (for ${NAME})
  std::string error;                        // first error, formatted; empty = none
  std::vector<std::string> errors;          // every error, formatted, in file order
  ModuleSet modules;                        // the active modules (LoadModule)
  std::set<std::string> ignored_warned;     // ignored directives warned about already
  std::string include_root;                 // LoadOptions::include_root

  // Which directives were given, for defaults and MPM clamping.
  std::map<std::string, Where> seen;  // canonical name -> last place set
  std::string transfer_log_format;    // the last LogFormat without nickname
  bool directory_index_set = false;

  // The innermost per-directory section being built: index into cfg.sections, or -1 at
  // server level. section_stack holds the enclosing ones (for nesting).
  int current_location = -1;
  std::vector<int> section_stack;
  // The last <If>/<ElseIf>/<Else> opened in each scope (key: the enclosing section's
  // index, -1 at server level), for <ElseIf>/<Else>.
  std::map<int, int> last_if;
  std::vector<RequireRule> location_requires;            // top-level Require rules of that section
  std::vector<std::vector<RequireRule>> requires_stack;  // those of the enclosing sections
  std::vector<RequireRule> server_requires;              // Require rules at server level
  std::optional<std::string> server_handler;             // SetHandler at server level
  Where server_auth_where;                               // first server-level Require/SetHandler
  std::vector<EnvVarOp> server_env;                      // SetEnv/UnsetEnv/PassEnv at server level
  std::vector<RequireRule> require_stack;  // open <RequireAll>/<RequireAny> containers
  // Reading an .htaccess file: directives are checked against AllowOverride, and Options
  // against the options AllowOverride Options=… permits (core_dir.h's OptionBits).
  bool in_htaccess = false;
  unsigned htaccess_allow = 0;                      // AllowOverride classes in effect
  std::vector<std::string> htaccess_override_list;  // AllowOverrideList names
  unsigned htaccess_override_opts = 0;
  // RegexDefaultOptions so far, applied to each pattern compiled after it (as httpd).
  unsigned regex_options = kRegexDefaultOptions;

  // <VirtualHost> sections read so far; `recording` is the index of the open one (its
  // directives are recorded, not applied), -1 outside. `in_vhost` is set while a recorded
  // section is applied to its own copy of the state.
  std::vector<VhostDraft> vhosts;
  int recording = -1;
  bool in_vhost = false;

  // Appends "file:line: text" to cfg.warnings.
  void warn(const Where& w, const std::string& text) {
    cfg.warnings.push_back(w.file + ":" + std::to_string(w.line) + ": " + text);
  }
  // Records a formatted error ("FILE:LINE: DIRECTIVE: message").
  void add_error(std::string e) {
    if (error.empty()) error = e;
    errors.push_back(std::move(e));
  }
  // The slot of module `index` in the innermost open section (or the server level), which
  // a per-directory setter fills (config/dir_scope.h); sized on first use.
  std::shared_ptr<ModuleConfig>& module_dir_slot(size_t index) {
    ModuleDirSlots& slots = current_location >= 0
                                ? cfg.sections[static_cast<size_t>(current_location)].module_dir
                                : cfg.server_module_dir;
    if (slots.size() <= index) slots.resize(index + 1);
    return slots[index];
  }
  // True if `name` was given in the configuration.
  bool was_set(const std::string& name) const { return seen.count(name) != 0; }
};

}  // namespace tern::cfg
