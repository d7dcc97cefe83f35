#pragma once
// The PidFile: written at start-up, removed at exit.

#include <string>

namespace tern {

// Owns a pid file: writes this process's pid, removes the file on destruction.
class PidFile {
 public:
  PidFile() = default;
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  ~PidFile();
  // Writes getpid() to `path` (replacing a stale file). False and `*error` on failure.
  bool create(const std::string& path, std::string* error);
  // Reads a pid from `path`; 0 when missing or malformed.
  static int read(const std::string& path);

 private:
  std::string path_;
};

}  // namespace tern
