#pragma once
// htpasswd files as mod_authn_file reads them ("user:hash" lines, '#' comments), parsed
// once and kept in memory; a file is looked at again (stat) at most once a second and
// re-read when its modification time, size or inode changed.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tern {

// The users of one password file and their hashes (the first line for a user wins).
class PasswordFile {
 public:
  // Parses the text of a password file as ap_cfg_getline + ap_getword do: each line
  // trimmed, '#' and blank lines skipped, the user up to the first ':', the hash up to
  // the next ':'.
  static PasswordFile parse(std::string_view text);
  // The hash of `user`, or null when the file does not name it.
  const std::string* find(std::string_view user) const;

 private:
  // Transparent, so find() looks a string_view up without copying it into a string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> users_;
};

// The password files of a process, by path. Thread-safe.
class PasswordFileCache {
 public:
  // The file at `path`, re-read when it changed; null with *err (errno) when it cannot
  // be opened or read.
  std::shared_ptr<const PasswordFile> get(const std::string& path, int* err);

  // How long a file is trusted before it is looked at again.
  static constexpr std::chrono::seconds kRevalidate{1};

 private:
  struct Entry {
    std::shared_ptr<const PasswordFile> file;
    struct timespec mtime {};
    off_t size = 0;
    ino_t ino = 0;
    dev_t dev = 0;
    std::chrono::steady_clock::time_point checked;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace tern
