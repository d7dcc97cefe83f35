#pragma once
// The structural layer: walks logical lines, substitutes ${VAR}, tracks
// <Section> nesting, evaluates <IfDefine>/<IfModule>, runs Include/IncludeOptional,
// Define/UnDefine, and hands every other directive to the directive table.

#include <string>
#include <string_view>
#include <vector>

#include "config/build_state.h"
#include "config/directive_table.h"
#include "config/ignored_directives.h"

namespace tern::cfg {

class ConfigParser {
 public:
  // Parses into `st`; every error is appended to st.errors (the first also in st.error).
  explicit ConfigParser(BuildState& st) : st_(st) {}

  // Parses `text` as if read from file `name`, going on after an error with the next
  // line; false when it (or a file it included) had an error.
  bool parse_text(std::string_view text, const std::string& name);

  // Reads and parses the file at absolute `path`; false on error (an unreadable
  // file included). `from`/`line`/`directive` name what asked for it, for messages.
  bool parse_file(const std::string& path, const std::string& from, int line,
                  std::string_view directive);

  // The maximum nesting of Include (httpd's AP_MAX_INCLUDE_DEPTH).
  static constexpr int kMaxIncludeDepth = 128;
  // The largest single configuration file, and all files (and -C lines) together.
  static constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;
  static constexpr size_t kMaxTotalBytes = 64 * 1024 * 1024;
  // The most files and directories Include may visit in all (symlink loops fan out).
  static constexpr int kMaxIncludes = 10000;
  // The most errors reported in one run; reading stops after them.
  static constexpr size_t kMaxErrors = 100;

 private:
  struct Frame {
    std::string name;  // "<Location" etc. as written in the table (or conditional name)
    std::string file;
    int line = 0;
    unsigned ctx = kCtxServer;            // context of the section body
    const DirectiveSpec* spec = nullptr;  // null for <IfDefine>/<IfModule>
    bool recorded = false;                // opened inside <VirtualHost>: its close is recorded
  };

  bool fail(const std::string& file, int line, std::string_view directive,
            std::string_view message);
  // An error after which nothing more is read (limits); false.
  bool abort(const std::string& file, int line, std::string_view directive,
             std::string_view message);
  // False (with an error) when `spec`'s module is not active; notes the use otherwise.
  bool module_allows(const DirectiveSpec& spec, const std::string& file, int line,
                     std::string_view shown);
  // A directive of the ignored list: checked, then warned about once.
  bool ignore(const IgnoredDirective& d, const std::string& file, int line,
              const std::vector<Word>& args);
  // Moves `index` from a section's opening line to its closing one (or past the end).
  static void skip_quietly(const std::vector<LogicalLine>& lines, size_t& index);
  bool handle_open(const std::string& file, int line, std::string_view text,
                   const std::vector<LogicalLine>& lines, size_t& index);
  bool handle_close(const std::string& file, int line, std::string_view text);
  bool handle_directive(const std::string& file, int line, std::string_view text);
  bool include(const std::string& file, int line, std::string_view directive,
               const std::string& pattern, bool optional);
  bool confined(const std::string& path, const std::string& file, int line,
                std::string_view directive);
  bool count_include(const std::string& file, int line, std::string_view directive);
  bool include_directory(const std::string& dir, const std::string& file, int line,
                         std::string_view directive);
  bool skip_section(const std::string& file, const std::vector<LogicalLine>& lines,
                    size_t open_index, size_t& end_index);
  unsigned context() const {
    if (!stack_.empty()) return stack_.back().ctx;
    return st_.in_htaccess ? kCtxHtaccess : kCtxServer;
  }
  // False (with httpd's error) when `spec` may not appear here: its contexts (and the
  // refused-in-<VirtualHost> list, config/directives_vhost.h), or in an .htaccess file its
  // AllowOverride class and AllowOverrideList.
  bool allowed_here(const DirectiveSpec& spec, const std::string& file, int line,
                    std::string_view shown);
  // Inside <VirtualHost>: records `apply` with `cmd` for the vhost's own configuration
  // (config/vhost_build.h) and returns true; outside returns false.
  bool record(std::string (*apply)(BuildState&, const Cmd&), const Cmd& cmd);
  std::string enclosing_section() const;
  // httpd's words for directive `name` (shown as `shown`) where the current context does
  // not allow it: "X not allowed here", "X not allowed in <Section> context", or "X cannot
  // occur within <VirtualHost> section" for a server-wide one.
  std::string context_error(std::string_view shown, std::string_view name) const;
  std::string unknown_directive_message(std::string_view name) const;

  BuildState& st_;
  std::vector<Frame> stack_;
  int include_depth_ = 0;
  size_t bytes_left_ = kMaxTotalBytes;  // what parse_text may still accept
  int includes_ = 0;                    // files and directories included so far
  size_t file_base_ = 0;                // stack_ size when the current file started
  bool aborted_ = false;                // a limit was hit: read nothing more
};

// Resolves ${NAME} from Define'd variables, then the environment.
const std::string* lookup_var(const BuildState& st, std::string_view name, std::string& scratch);

}  // namespace tern::cfg
