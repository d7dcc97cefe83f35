#include "handlers/scope_walk.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "config/htaccess_parser.h"
#include "modules/core_dir.h"
#include "modules/dir_configs.h"
#include "net/unique_fd.h"

namespace tern {

bool location_prefix_matches(std::string_view prefix, std::string_view path) {
  if (prefix.empty()) return false;
  if (path.substr(0, prefix.size()) != prefix) return false;
  return prefix.back() == '/' || path.size() == prefix.size() || path[prefix.size()] == '/';
}

namespace {

// Section ids are never reused, so a cache key made of them never names another set.
uint64_t next_section_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

// What httpd calls the section in messages.
std::string_view section_name(const ScopeWalk::Section& s) {
  switch (s.kind) {
    case SectionKind::kDirectory:
      return s.regex ? "DirectoryMatch" : "Directory";
    case SectionKind::kFiles:
      return s.regex ? "FilesMatch" : "Files";
    case SectionKind::kIf:
      return "If";
    case SectionKind::kHtaccess:
      return "htaccess";
    case SectionKind::kLocation:
      break;
  }
  return s.regex ? "LocationMatch" : "Location";
}

// Compiles one section; false with *error set.
bool compile_section(const SectionSpec& spec, ScopeWalk::Section* out, std::string* error) {
  out->kind = spec.kind;
  out->pattern = spec.pattern;
  out->where = spec.file + ":" + std::to_string(spec.line);
  out->id = next_section_id();
  if (spec.is_regex) {
    out->regex = spec.regex;
    if (!out->regex) {
      RegexError e;
      auto re = Regex::compile(spec.pattern, kRegexDefaultOptions, &e);
      if (!re) {
        if (error) {
          *error = out->where + ": " + std::string(section_name(*out)) +
                   ": invalid regular expression '" + regex_excerpt(spec.pattern, 64) +
                   "': " + e.message + " at offset " + std::to_string(e.offset);
        }
        return false;
      }
      out->regex = std::make_shared<const Regex>(std::move(*re));
    }
  } else {
    out->wildcard = spec.pattern.find_first_of("*?[") != std::string::npos;
    out->components =
        static_cast<size_t>(std::count(spec.pattern.begin(), spec.pattern.end(), '/'));
  }
  std::string why;
  if (!create_dir_configs(spec, &out->dir, &why)) {
    if (error) *error = why;
    return false;
  }
  return true;
}

// Compiles `specs` into `out` (appended); nested <Files> join their parent's list.
// Returns the top-level sections in file order; false with *error set.
bool compile_all(const std::vector<SectionSpec>& specs, std::deque<ScopeWalk::Section>& out,
                 std::vector<ScopeWalk::Section*>* top, std::string* error) {
  std::vector<ScopeWalk::Section*> by_index;
  for (const SectionSpec& spec : specs) {
    out.emplace_back();
    ScopeWalk::Section& s = out.back();
    if (!compile_section(spec, &s, error)) return false;
    by_index.push_back(&s);
    s.condition = spec.condition;
    if (spec.else_of >= 0) s.else_of = by_index[static_cast<size_t>(spec.else_of)];
    if (spec.parent < 0) {
      top->push_back(&s);
      continue;
    }
    ScopeWalk::Section* parent = by_index[static_cast<size_t>(spec.parent)];
    if (spec.kind == SectionKind::kIf && parent->kind != SectionKind::kIf) {
      parent->ifs.push_back(&s);
    } else if (spec.kind == SectionKind::kFiles && parent->kind != SectionKind::kIf) {
      parent->files.push_back(&s);
    } else {
      if (error) *error = s.where + ": this nested section is not supported by tern";
      return false;
    }
  }
  return true;
}

// Matches a regex section; kFailed reports the PCRE2 code in *failure.
RegexResult regex_match(const ScopeWalk::Section& s, std::string_view subject, int* failure) {
  return s.regex->match(subject, {}, failure);
}

// The error-log line of a regex that hit a limit.
std::string regex_failure_log(const ScopeWalk::Section& s, int failure, std::string_view subject) {
  return std::string(section_name(s)) + " '" + regex_excerpt(s.regex->pattern()) + "' (" + s.where +
         "): " + regex_failure_text(failure) + " matching a path of " +
         std::to_string(subject.size()) + " bytes ('" + regex_excerpt(subject) +
         "'); request failed with 500";
}

// Appends `id` to a cache key (8 bytes).
void append_id(std::string& key, uint64_t id) {
  char b[8];
  std::memcpy(b, &id, 8);
  key.append(b, 8);
}

// An .htaccess file as the walk saw it: absent, or its identity when read.
struct Probe {
  std::string path;
  bool exists = false;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtim{};
};

bool same_as_now(const Probe& p) {
  struct stat st;
  if (::stat(p.path.c_str(), &st) != 0) return !p.exists;
  return p.exists && st.st_ino == p.ino && st.st_size == p.size &&
         st.st_mtim.tv_sec == p.mtim.tv_sec && st.st_mtim.tv_nsec == p.mtim.tv_nsec;
}

// The largest .htaccess file read.
constexpr off_t kMaxHtaccessBytes = 1024 * 1024;

}  // namespace

struct ScopeWalk::DirPart {
  uint64_t id = 0;
  std::shared_ptr<const DirConfigs> merged;
  std::vector<const Section*> files;  // candidate <Files> sections, in merge order
  std::vector<const Section*> ifs;    // candidate <If> sections, in merge order
  std::deque<Section> own;            // sections read from .htaccess files
  std::vector<Probe> probes;          // .htaccess files looked for
  mutable std::atomic<int64_t> checked_s{0};
  int status = 0;  // an .htaccess that cannot be read or parsed: 403/500
  std::string log;
  // Per directory level: the length of its path and the Options in effect there.
  std::vector<std::pair<size_t, unsigned>> level_opts;
  bool symlink_checks = false;  // some level does not simply FollowSymLinks
};

bool ScopeWalk::init(const Config& config, std::string* error) {
  config_ = &config;
  server_dir_ = std::make_shared<const DirConfigs>(server_dir_configs(config));
  std::vector<Section*> top;
  if (!compile_all(config.sections, sections_, &top, error)) return false;
  auto server = std::make_shared<DirPart>();
  server->id = next_section_id();
  server->merged = server_dir_;
  for (const Section* s : top) {
    switch (s->kind) {
      case SectionKind::kDirectory:
        (s->regex ? dir_regex_ : dirs_).push_back(s);
        any_override_ = any_override_ || dir_allow_override(s->dir) != 0 ||
                        !dir_allow_override_list(s->dir).empty();
        break;
      case SectionKind::kFiles:
        files_.push_back(s);
        break;
      case SectionKind::kLocation:
        locations_.push_back(s);
        break;
      case SectionKind::kIf:
        ifs_.push_back(s);
        break;
      case SectionKind::kHtaccess:
        if (error) *error = s->where + ": this section is not supported by tern here";
        return false;
    }
  }
  // httpd's core_reorder_directories: by depth, file order among equals.
  std::stable_sort(dirs_.begin(), dirs_.end(), [](const Section* a, const Section* b) {
    return a->components < b->components;
  });
  server->files = files_;
  server->ifs = ifs_;
  server_part_ = std::move(server);
  walk_directories_ = !dirs_.empty() || any_override_ ||
                      (dir_options(*server_dir_) & (kOptSymLinks | kOptSymOwner)) != kOptSymLinks;
  return true;
}

std::shared_ptr<const ScopeWalk::DirPart> ScopeWalk::walk_directory(const std::string& dir,
                                                                    time_t now) const {
  auto part = std::make_shared<DirPart>();
  part->id = next_section_id();
  part->checked_s.store(now, std::memory_order_relaxed);
  part->files = files_;
  part->ifs = ifs_;
  DirConfigs merged = *server_dir_;
  size_t next = 0;  // into dirs_, sorted by depth
  size_t seg = 0;
  for (size_t end = dir.find('/'); end != std::string::npos; end = dir.find('/', end + 1)) {
    ++seg;
    const std::string_view level(dir.data(), end + 1);  // "/", "/var/", "/var/www/", …
    for (; next < dirs_.size() && dirs_[next]->components <= seg; ++next) {
      const Section& s = *dirs_[next];
      if (s.components < seg) continue;
      const bool hit =
          s.wildcard ? ::fnmatch(s.pattern.c_str(), std::string(level).c_str(), FNM_PATHNAME) == 0
                     : s.pattern == level;
      if (!hit) continue;
      merged = merge_dir_configs(merged, s.dir);
      part->files.insert(part->files.end(), s.files.begin(), s.files.end());
      part->ifs.insert(part->ifs.end(), s.ifs.begin(), s.ifs.end());
    }
    const unsigned allow = dir_allow_override(merged);
    const std::vector<std::string>& list = dir_allow_override_list(merged);
    if ((allow != 0 || !list.empty()) && !read_htaccess(level, allow, list, merged, *part))
      return part;
    // The options a segment below this level is checked with (FollowSymLinks).
    const unsigned opts = dir_options(merged);
    part->level_opts.emplace_back(level.size(), opts);
    part->symlink_checks =
        part->symlink_checks || (opts & (kOptSymLinks | kOptSymOwner)) != kOptSymLinks;
  }
  part->merged = std::make_shared<const DirConfigs>(std::move(merged));
  return part;
}

bool ScopeWalk::read_htaccess(std::string_view level, unsigned allow,
                              const std::vector<std::string>& list, DirConfigs& merged,
                              DirPart& out) const {
  DirPart* part = &out;
  for (const std::string& name : config_->access_file_names) {
    Probe probe;
    probe.path.assign(level).append(name);
    UniqueFd fd(::open(probe.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
      const int err = errno;
      part->probes.push_back(std::move(probe));
      if (err == ENOENT || err == ENOTDIR) continue;
      // httpd's AH00529: a file that exists but cannot be read is refused (403).
      part->status = 403;
      part->log = "AH00529: " + part->probes.back().path + " pcfg_openfile: unable to check " +
                  "htaccess file, ensure it is readable and that '" + std::string(level) +
                  "' is executable (" + std::strerror(err) + ")";
      return false;
    }
    struct stat st;
    std::string text;
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
      // httpd's ap_pcfg_openfile refuses what is not a regular file (AH00529, 403).
      part->status = 403;
      part->log = "AH00529: " + probe.path + " pcfg_openfile: unable to check htaccess " +
                  "file, ensure it is readable and that '" + std::string(level) +
                  "' is executable (not a regular file)";
      part->probes.push_back(std::move(probe));
      return false;
    }
    {
      probe.exists = true;
      probe.ino = st.st_ino;
      probe.size = st.st_size;
      probe.mtim = st.st_mtim;
      if (st.st_size > kMaxHtaccessBytes) {
        part->status = 500;
        part->log = probe.path + ": file too large (more than 1 MiB)";
        part->probes.push_back(std::move(probe));
        return false;
      }
      text.resize(static_cast<size_t>(st.st_size));
      const ssize_t n = ::pread(fd.get(), text.data(), text.size(), 0);
      text.resize(n > 0 ? static_cast<size_t>(n) : 0);
    }
    part->probes.push_back(probe);
    if (!probe.exists) continue;
    HtaccessLimits limits{allow, &list, dir_override_options(merged)};
    HtaccessSpec spec;
    std::string err;
    std::vector<Section*> top;
    if (!parse_htaccess(text, probe.path, std::string(level), *config_, limits, &spec, &err) ||
        !compile_all(spec.sections, part->own, &top, &err)) {
      part->status = 500;
      part->log = err;
      return false;
    }
    const Section& self = *top.front();
    merged = merge_dir_configs(merged, self.dir);
    part->files.insert(part->files.end(), self.files.begin(), self.files.end());
    part->ifs.insert(part->ifs.end(), self.ifs.begin(), self.ifs.end());
    break;  // httpd reads the first AccessFileName found
  }
  return true;
}

int ScopeWalk::check_symlinks(const DirPart& part, std::string_view filename, std::string* log) {
  thread_local std::string path;
  for (const auto& [level_len, opts] : part.level_opts) {
    if ((opts & (kOptSymLinks | kOptSymOwner)) == kOptSymLinks) continue;
    // The segment inside this level: up to the next '/' (a directory) or the end.
    if (level_len >= filename.size()) continue;
    size_t end = filename.find('/', level_len);
    if (end == std::string_view::npos) end = filename.size();
    path.assign(filename.substr(0, end));
    struct stat lst;
    if (::lstat(path.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) continue;
    bool allowed = false;
    if ((opts & kOptSymOwner) != 0) {
      // SymLinksIfOwnerMatch: the link and its target have the same owner.
      struct stat target;
      allowed = ::stat(path.c_str(), &target) == 0 && target.st_uid == lst.st_uid;
    }
    if (!allowed) {
      *log = "AH00037: Symbolic link not allowed or link target not accessible: " + path;
      return 403;
    }
  }
  return 0;
}

std::shared_ptr<const ScopeWalk::DirPart> ScopeWalk::dir_part(std::string_view dir,
                                                              time_t now) const {
  thread_local std::string key;
  key.assign(dir);
  std::shared_ptr<const DirPart> part;
  {
    std::shared_lock lock(dirs_mutex_);
    auto it = dir_cache_.find(key);
    if (it != dir_cache_.end()) part = it->second;
  }
  if (part) {
    // .htaccess files are looked at again at most once a second, as the file cache does.
    if (part->probes.empty() || part->checked_s.load(std::memory_order_relaxed) >= now) return part;
    bool same = true;
    for (const Probe& p : part->probes) same = same && same_as_now(p);
    if (same) {
      part->checked_s.store(now, std::memory_order_relaxed);
      return part;
    }
  }
  part = walk_directory(key, now);
  std::unique_lock lock(dirs_mutex_);
  if (dir_cache_.size() >= kMaxCached) dir_cache_.clear();  // holders keep theirs alive
  dir_cache_[key] = part;
  return part;
}

std::shared_ptr<const DirConfigs> ScopeWalk::merged_for(
    const DirPart& part, const std::vector<const Section*>& extra) const {
  thread_local std::string key;
  key.clear();
  append_id(key, part.id);
  for (const Section* s : extra) append_id(key, s->id);
  {
    std::shared_lock lock(merged_mutex_);
    auto it = merged_cache_.find(key);
    if (it != merged_cache_.end()) return it->second;
  }
  DirConfigs merged = *part.merged;
  for (const Section* s : extra) merged = merge_dir_configs(merged, s->dir);
  auto result = std::make_shared<const DirConfigs>(std::move(merged));
  std::unique_lock lock(merged_mutex_);
  if (merged_cache_.size() >= kMaxCached) merged_cache_.clear();
  merged_cache_.emplace(key, result);
  return result;
}

ScopeWalk::Result ScopeWalk::lookup(std::string_view filename, std::string_view url_path,
                                    time_t now, const ExprContext* expr) const {
  Result r;
  thread_local std::vector<const Section*> extra;
  extra.clear();
  // The directory part: the directory that holds `filename` (itself, with a trailing '/').
  const size_t slash = filename.rfind('/');
  // The server part lives as long as this walk: it is used without a reference count.
  const DirPart* part = server_part_.get();
  std::shared_ptr<const DirPart> walked;  // a directory's part, from a cache that may drop it
  if (slash != std::string_view::npos && walk_directories_) {
    walked = dir_part(filename.substr(0, slash + 1), now);
    part = walked.get();
    if (part->status != 0) {
      r.status = part->status;
      r.log = part->log;
      return r;
    }
    if (part->symlink_checks && (r.status = check_symlinks(*part, filename, &r.log)) != 0) return r;
  }
  // <DirectoryMatch> against the whole file name, as httpd after its walk.
  for (const Section* s : dir_regex_) {
    int failure = 0;
    const RegexResult m = regex_match(*s, filename, &failure);
    if (m == RegexResult::kFailed) {
      r.status = 500;
      r.log = regex_failure_log(*s, failure, filename);
      return r;
    }
    if (m == RegexResult::kMatch) extra.push_back(s);
  }
  // <Files>: the server's, the matched sections', the .htaccess files', against the
  // base name.
  const std::string_view base =
      slash == std::string_view::npos ? filename : filename.substr(slash + 1);
  const std::vector<const Section*>& files = part->files;
  thread_local std::string base_z;  // NUL-terminated for fnmatch
  base_z.assign(base);
  const size_t dir_matches = extra.size();
  auto try_files = [&](const Section* s) -> bool {
    if (s->regex) {
      int failure = 0;
      const RegexResult m = regex_match(*s, base, &failure);
      if (m == RegexResult::kFailed) {
        r.status = 500;
        r.log = regex_failure_log(*s, failure, base);
        return false;
      }
      if (m == RegexResult::kMatch) extra.push_back(s);
    } else if (s->wildcard ? ::fnmatch(s->pattern.c_str(), base_z.c_str(), FNM_PATHNAME) == 0
                           : s->pattern == base) {
      extra.push_back(s);
    }
    return true;
  };
  for (const Section* s : files)
    if (!try_files(s)) return r;
  for (size_t i = 0; i < dir_matches; ++i) {
    for (const Section* s : extra[i]->files)
      if (!try_files(s)) return r;
  }
  // <Location> and <LocationMatch> in file order, against the URL path.
  for (const Section* s : locations_) {
    if (s->regex) {
      int failure = 0;
      const RegexResult m = regex_match(*s, url_path, &failure);
      if (m == RegexResult::kFailed) {
        r.status = 500;
        r.log = regex_failure_log(*s, failure, url_path);
        return r;
      }
      if (m == RegexResult::kMatch) extra.push_back(s);
    } else if (location_prefix_matches(s->pattern, url_path)) {
      extra.push_back(s);
    }
  }
  // <If> sections last, "even when they are enclosed in any of the preceding contexts":
  // the server's, the directories', then those of each section merged above.
  if (expr != nullptr) {
    thread_local std::vector<const Section*> ifs;
    ifs.assign(part->ifs.begin(), part->ifs.end());
    for (const Section* s : extra) ifs.insert(ifs.end(), s->ifs.begin(), s->ifs.end());
    bool chain_taken = false;  // an earlier <If>/<ElseIf> of the current chain applied
    for (const Section* s : ifs) {
      if (s->else_of == nullptr) chain_taken = false;
      if (chain_taken) continue;
      if (s->condition == nullptr || s->condition->eval(*expr)) {
        extra.push_back(s);
        chain_taken = true;
      }
    }
  }
  if (extra.empty()) {
    r.dir = part->merged.get();
    if (walked) r.owner = std::shared_ptr<const DirConfigs>(std::move(walked), r.dir);
    return r;
  }
  r.owner = merged_for(*part, extra);
  r.dir = r.owner.get();
  return r;
}

}  // namespace tern
