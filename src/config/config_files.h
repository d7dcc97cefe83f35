#pragma once
// The configuration's file-system side: paths relative to ServerRoot, and
// reading configuration files without blocking or growing without bound.

#include <cstddef>
#include <string>
#include <string_view>

namespace tern::cfg {

// `p` if absolute, else `root`/`p`; collapses a trailing slash (except "/").
std::string resolve_path(std::string_view root, std::string_view p);

// "" if the directory that will hold file `path` exists (start-up creates `path` there),
// else "Cannot access directory 'DIR/' for the WHAT" (httpd's AH02291).
std::string check_parent_directory(const std::string& path, std::string_view what);

// True if `p` names an existing directory.
bool is_directory(const std::string& p);

// True if `p` names an existing file (of any kind but directory).
bool is_file(const std::string& p);

// "" if `path` is a regular file or /dev/null, else "could not open configuration
// file PATH: reason" (missing, a directory, a FIFO, a device, a socket).
std::string check_readable_file(const std::string& path);

// Reads the whole file at `path` into `out` without ever blocking: only a regular
// file or /dev/null (read as empty) is accepted, at most `max_bytes` of it. On
// failure returns "could not open configuration file PATH: reason" or
// "configuration file PATH is larger than N bytes".
std::string read_text_file(const std::string& path, std::string& out, size_t max_bytes);

}  // namespace tern::cfg
