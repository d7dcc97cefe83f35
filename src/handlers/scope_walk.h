#pragma once
// map_to_storage: the per-directory configuration of a request, merged in httpd's order
// (ap_directory_walk, ap_file_walk, ap_location_walk): the server level, then
// <Directory> sections from the shortest path to the longest, each level followed by its
// .htaccess file where AllowOverride permits, then <DirectoryMatch> sections, then the
// <Files>/<FilesMatch> sections of the server and of every section merged so far, then
// <Location>/<LocationMatch> in file order. The directory part is cached per directory
// (its .htaccess files revalidated at most once a second) and the whole per set of
// sections, so a request pays the matching and two lookups.

#include <sys/types.h>

#include <atomic>
#include <ctime>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "modules/if_expr.h"
#include "modules/module.h"
#include "util/regex.h"

namespace tern {

// The sections of a configuration, compiled; lookup() is thread-safe.
class ScopeWalk {
 public:
  // One section, compiled (from the configuration or an .htaccess file).
  struct Section {
    SectionKind kind = SectionKind::kLocation;
    std::string pattern;    // Directory (trailing '/'), Files name or Location prefix
    bool wildcard = false;  // pattern has fnmatch wildcards
    size_t components = 0;  // Directory: its '/' count (the walk's depth)
    std::shared_ptr<const Regex> regex;
    std::string where;                        // "file:line", for the error log
    DirConfigs dir;                           // what the section sets, per module
    uint64_t id = 0;                          // unique for the server's life (cache keys)
    std::vector<const Section*> files;        // <Files>/<FilesMatch> nested in it
    std::vector<const Section*> ifs;          // <If>/<ElseIf>/<Else> nested in it
    std::shared_ptr<const IfExpr> condition;  // <If>/<ElseIf>; null for <Else>
    const Section* else_of = nullptr;         // <ElseIf>/<Else>: what it continues
  };
  // What lookup() found.
  struct Result {
    const DirConfigs* dir = nullptr;  // merged; null when status is set
    // Keeps `dir` alive when a cache holds it; null when the walk itself does (the
    // server part's, which lives as long as the walk: no reference count per request).
    std::shared_ptr<const DirConfigs> owner;
    int status = 0;   // 500 (a regex hit a limit, an invalid .htaccess) or 403
    std::string log;  // the error-log line for a status
  };

  // Compiles the sections of `config`; false with *error ("file:line: …") when a
  // pattern or a module refuses one.
  bool init(const Config& config, std::string* error);

  // The configuration for the file `filename` (absolute; a trailing '/' for a directory)
  // that the decoded URL path `url_path` maps to, at time `now` (.htaccess revalidation).
  // <If> sections are evaluated against `expr` (skipped when it is null).
  Result lookup(std::string_view filename, std::string_view url_path, time_t now,
                const ExprContext* expr = nullptr) const;

  // Most directories and section sets whose merged configurations are kept.
  static constexpr size_t kMaxCached = 4096;

 private:
  // The directory part of a walk: server, <Directory> and .htaccess for one directory.
  struct DirPart;
  std::shared_ptr<const DirPart> dir_part(std::string_view dir, time_t now) const;
  std::shared_ptr<const DirPart> walk_directory(const std::string& dir, time_t now) const;
  // Reads the .htaccess of directory `level` (if any) into `merged` and `out`; false with
  // out.status and out.log set when it cannot be read or is invalid.
  bool read_htaccess(std::string_view level, unsigned allow, const std::vector<std::string>& list,
                     DirConfigs& merged, DirPart& out) const;
  // httpd's FollowSymLinks/SymLinksIfOwnerMatch for each segment of `filename` below a
  // level whose Options ask for it: 0, or 403 with *log set.
  static int check_symlinks(const DirPart& part, std::string_view filename, std::string* log);
  std::shared_ptr<const DirConfigs> merged_for(const DirPart& part,
                                               const std::vector<const Section*>& extra) const;

  const Config* config_ = nullptr;
  std::deque<Section> sections_;           // every section of the configuration
  std::vector<const Section*> dirs_;       // <Directory> by depth, then file order
  std::vector<const Section*> dir_regex_;  // <DirectoryMatch>, file order
  std::vector<const Section*> files_;      // server-level <Files>/<FilesMatch>
  std::vector<const Section*> locations_;  // <Location>/<LocationMatch>, file order
  std::vector<const Section*> ifs_;        // server-level <If>/<ElseIf>/<Else>
  std::shared_ptr<const DirConfigs> server_dir_;
  std::shared_ptr<const DirPart> server_part_;  // no <Directory> applies
  bool any_override_ = false;                   // some <Directory> allows .htaccess files
  bool walk_directories_ = false;               // sections, .htaccess or symlink checks to do

  mutable std::shared_mutex dirs_mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const DirPart>> dir_cache_;
  mutable std::shared_mutex merged_mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const DirConfigs>> merged_cache_;
};

// True when the <Location> prefix `prefix` applies to the decoded path `path` (httpd:
// "/a" matches "/a", "/a/" and "/a/b" but not "/ab"; a prefix ending in '/' is plain).
bool location_prefix_matches(std::string_view prefix, std::string_view path);

}  // namespace tern
