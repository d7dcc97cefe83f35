#pragma once
// Extension -> media type table (TypesConfig / AddType, or a built-in table).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // Number of known extensions.
  size_t size() const { return entries_.size(); }

 private:
  void set(std::string_view ext, std::string_view type);
  void finish();                                              // sorts entries_ for binary search
  std::vector<std::pair<std::string, std::string>> entries_;  // lower-case ext -> type
};

}  // namespace tern
