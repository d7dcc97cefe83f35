#pragma once
// Extension -> media type table (TypesConfig / AddType, or a built-in table).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/fnv1a.h"

namespace tern {

// Immutable after construction; lookups are allocation-free and thread-safe.
class MimeTable {
 public:
  // The built-in table (~45 common types) plus `add_types` overrides.
  static MimeTable built_in(const std::map<std::string, std::string>& add_types = {});
  // Reads a mime.types file (`type ext ext…`, `#` comments) at `types_config` (or the
  // built-in table when it is empty) and applies `add_types` (lower-case ext -> type).
  // nullopt and `*error` set when the file cannot be read.
  static std::optional<MimeTable> load(const std::string& types_config,
                                       const std::map<std::string, std::string>& add_types,
                                       std::string* error);
  // Parses mime.types text (exposed for tests); later lines override earlier ones.
  static MimeTable from_text(std::string_view text,
                             const std::map<std::string, std::string>& add_types);

  // The media type for the last extension of the file name in `file_path`
  // (case-insensitive); empty when unknown (then no Content-Type is sent, as httpd).
  std::string_view lookup(std::string_view file_path) const;
  // The media type for one extension (no dot, any case); empty when unknown.
  std::string_view lookup_extension(std::string_view ext) const;
  // The same for an extension already in lower case (no copy, no case folding).
  std::string_view lookup_lower_extension(std::string_view lower_ext) const;
  // Number of known extensions.
  size_t size() const { return types_.size(); }

 private:
  // Hashes a key given as std::string or std::string_view alike (lookups copy nothing),
  // inline: an extension is a few bytes.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return fnv1a<uint64_t>(s); }
  };
  void set(std::string_view ext, std::string_view type);
  // Lower-case ext -> type. A hash table: a request looks an extension up once or twice,
  // and a binary search over a mime.types file's ~800 names cost ~1,000 instructions.
  std::unordered_map<std::string, std::string, KeyHash, std::equal_to<>> types_;
};

}  // namespace tern
