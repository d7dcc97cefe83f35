#include "handlers/location_map.h"

#include <mutex>

#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

bool location_prefix_matches(std::string_view prefix, std::string_view path) {
  if (prefix.empty()) return false;
  if (path.substr(0, prefix.size()) != prefix) return false;
  return prefix.back() == '/' || path.size() == prefix.size() || path[prefix.size()] == '/';
}

namespace {

// The section's regex: the parser's, or compiled with httpd's defaults for a section
// built by hand. Null with *error set when the pattern is invalid.
std::shared_ptr<const Regex> section_regex(const LocationSpec& spec, const std::string& where,
                                           std::string* error) {
  if (spec.regex) return spec.regex;
  RegexError e;
  auto re = Regex::compile(spec.pattern, kRegexDefaultOptions, &e);
  if (!re) {
    if (error) {
      *error = where + ": LocationMatch: invalid regular expression '" +
               regex_excerpt(spec.pattern, 64) + "': " + e.message + " at offset " +
               std::to_string(e.offset);
    }
    return nullptr;
  }
  return std::make_shared<const Regex>(std::move(*re));
}

}  // namespace

bool LocationMap::init(const Config& config, std::string* error) {
  // The server level's own settings (its Require/SetHandler/SetEnv are a "/" Location).
  server_dir_ = server_dir_configs(config);
  // httpd applies <Location> sections in file order, then <LocationMatch> sections.
  for (int pass = 0; pass < 2; ++pass) {
    for (const LocationSpec& spec : config.sections) {
      if (spec.is_regex != (pass == 1)) continue;
      Section s;
      s.where = spec.file + ":" + std::to_string(spec.line);
      if (spec.is_regex) {
        s.regex = section_regex(spec, s.where, error);
        if (!s.regex) return false;
      } else {
        s.prefix = spec.pattern;
      }
      if (!create_dir_configs(spec, &s.dir, error)) return false;
      s.merged = merge_dir_configs(server_dir_, s.dir);
      sections_.push_back(std::move(s));
    }
  }
  return true;
}

namespace {

// Appends section index `i` to a match-set key (4 bytes, big-endian).
void append_index(std::string& key, size_t i) {
  const auto n = static_cast<uint32_t>(i);
  key.append({static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
              static_cast<char>(n)});
}

}  // namespace

LocationMap::Result LocationMap::lookup(std::string_view url_path) const {
  // With two or more matching sections, their indices as bytes: the cache key. Built
  // only then: no section or one (the common cases) need no key.
  thread_local std::string key;
  const Section* only = nullptr;
  size_t only_index = 0;
  size_t hits = 0;
  Result m;
  for (size_t i = 0; i < sections_.size(); ++i) {
    const Section& s = sections_[i];
    bool hit = false;
    if (s.regex) {
      int failure = 0;
      RegexResult r = s.regex->match(url_path, {}, &failure);
      if (r == RegexResult::kFailed) {
        // Undecided: neither applying nor skipping the section is safe (it may deny).
        m.failed = &s;
        m.failure = failure;
        return m;
      }
      hit = r == RegexResult::kMatch;
    } else {
      hit = location_prefix_matches(s.prefix, url_path);
    }
    if (!hit) continue;
    if (++hits == 1) {
      only = &s;
      only_index = i;
      continue;
    }
    if (hits == 2) {
      key.clear();
      append_index(key, only_index);
    }
    append_index(key, i);
  }
  if (hits == 0) {
    m.dir = &server_dir_;
  } else if (hits == 1) {
    m.dir = &only->merged;  // precomputed: no lookup
  } else {
    m.dir = merged_for(key);
  }
  return m;
}

const DirConfigs* LocationMap::merged_for(std::string_view key) const {
  {
    std::shared_lock lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second.get();
  }
  DirConfigs merged = server_dir_;
  for (size_t at = 0; at < key.size(); at += 4) {
    const auto* b = reinterpret_cast<const unsigned char*>(key.data() + at);
    const size_t i = (size_t{b[0]} << 24) | (size_t{b[1]} << 16) | (size_t{b[2]} << 8) | b[3];
    merged = merge_dir_configs(merged, sections_[i].dir);
  }
  std::unique_lock lock(mutex_);
  if (cache_.size() >= kMaxCached) {
    // Too many distinct sets to keep: this thread's copy serves the current request.
    thread_local DirConfigs uncached;
    uncached = std::move(merged);
    return &uncached;
  }
  auto [it, inserted] =
      cache_.try_emplace(std::string(key), std::make_unique<const DirConfigs>(std::move(merged)));
  return it->second.get();
}

}  // namespace tern
