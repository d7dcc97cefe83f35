#pragma once
// Public entry point of the configuration layer: reads an httpd-syntax file,
// applies command-line inputs, fills defaults and checks the result.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tern {

// Command-line inputs to the loader.
struct LoadOptions {
  std::string config_file;  // -f; relative to server_root when not absolute ("" = conf/tern.conf)
  std::string server_root;  // -d; initial ServerRoot, "" = the current working directory
  std::vector<std::string> defines;         // -D NAME (or NAME=VALUE, which also sets ${NAME})
  std::vector<std::string> pre_directives;  // -C "directive" lines, processed before the file
  // When set (the fuzz harness), Include/IncludeOptional refuse any path outside this absolute
  // directory, or with a ".." segment; "" = no limit.
  std::string include_root;
};

// The outcome: a config, or the errors, each "FILE:LINE: DIRECTIVE: message".
struct LoadResult {
  std::shared_ptr<const Config> config;  // null on error
  std::string error;                     // the first error; empty on success
  std::vector<std::string> errors;       // every error in the tree (error is the first)
};

// Reads, parses and validates the configuration; never throws.
LoadResult load_config(const LoadOptions& opts);

// Same, from text (for tests); `name` is used as the file name in messages.
LoadResult load_config_text(std::string_view text, std::string_view name, const LoadOptions& opts);

// True for module names <IfModule> treats as present in a configuration without
// LoadModule, as `foo_module` or `mod_foo.c` (the registry's module_active).
bool is_known_module(std::string_view name);

}  // namespace tern
