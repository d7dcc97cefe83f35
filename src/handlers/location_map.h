#pragma once
// map_to_storage for <Location>/<LocationMatch>: which sections match a path, and the
// per-directory configuration merged over them in httpd's order (server, <Location>
// in file order, then <LocationMatch>). Merged results are precomputed for one section
// and cached per set of sections, so a request pays the matching and a lookup.

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "modules/module.h"
#include "util/regex.h"

namespace tern {

// The sections of a configuration, compiled. Immutable after init(); lookup() is
// thread-safe.
class LocationMap {
 public:
  struct Section {
    std::string prefix;
    std::shared_ptr<const Regex> regex;  // null for a prefix <Location>
    std::string where;                   // "file:line" of the section, for the error log
    DirConfigs dir;                      // what the section sets, per module
    DirConfigs merged;                   // the server's merged with this section alone
  };
  // What lookup() found.
  struct Result {
    const DirConfigs* dir = nullptr;  // the merged configuration (valid while this lives)
    const Section* failed = nullptr;  // a regex that hit a limit: answer 500
    int failure = 0;                  // its PCRE2 code
  };

  // Compiles the sections of `config` and creates their modules' configurations;
  // false with *error set ("file:line: …") when a pattern or a module refuses one.
  bool init(const Config& config, std::string* error);

  // The configuration for the decoded path `url_path`. No allocation once the set of
  // sections matching it has been seen (up to kMaxCached sets).
  Result lookup(std::string_view url_path) const;

  static constexpr size_t kMaxCached = 1024;

 private:
  const DirConfigs* merged_for(std::string_view key) const;

  std::vector<Section> sections_;  // <Location> in file order, then <LocationMatch>
  DirConfigs server_dir_;          // the server's own (when no section matches)
  // Merged configurations of sets of two or more sections, keyed by their indices (4
  // bytes each); never erased while requests run.
  mutable std::shared_mutex mutex_;
  mutable std::map<std::string, std::unique_ptr<const DirConfigs>, std::less<>> cache_;
};

// True when the <Location> prefix `prefix` applies to the decoded path `path` (httpd:
// "/a" matches "/a", "/a/" and "/a/b" but not "/ab"; a prefix ending in '/' is plain).
bool location_prefix_matches(std::string_view prefix, std::string_view path);

}  // namespace tern
