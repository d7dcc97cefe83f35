#pragma once
// The configuration mod_deflate and mod_filter read at request time: the DEFLATE filter's
// zlib settings (server level, httpd's deflate_filter_config) and where the filter is
// configured (per directory: AddOutputFilterByType, SetOutputFilter, AddOutputFilter).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/module_config.h"
#include "modules/deflate/gzip_stream.h"

namespace tern {

// DeflateAlterETag: what the DEFLATE filter does to the ETag of a compressed response.
enum class AlterEtag { kAddSuffix, kNoChange, kRemove };

// httpd's deflate_filter_config (server config, virtual host). Kept in deflate_module's
// per-directory slot of the server level; no section can set it.
struct DeflateServerConfig final : ModuleConfig {
  std::optional<int> level, window_bits, mem_level, buffer_size;
  std::optional<AlterEtag> alter_etag;
  // Fields set in `add` win (a virtual host over the main server).
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
  // The zlib settings with httpd's defaults (level 6 via Z_DEFAULT_COMPRESSION, window 15,
  // memory level 9).
  GzipSettings gzip() const;
  // DeflateBufferSize (default 8096).
  size_t buffer() const { return static_cast<size_t>(buffer_size.value_or(8096)); }
};

// Where DEFLATE is configured, in one scope (filter_module's slot; SetOutputFilter is
// core's and AddOutputFilter mod_mime's in httpd, kept here as they only name DEFLATE).
struct FilterDirConfig final : ModuleConfig {
  // AddOutputFilterByType DEFLATE: the media types (mod_filter's provider types); set in
  // this scope when `by_type` is engaged (a nested scope's list replaces the outer one,
  // as mod_filter's live_filters overlay).
  std::optional<std::vector<std::string>> by_type;
  std::optional<bool> set_deflate;  // SetOutputFilter: DEFLATE (true) or another (false)
  // AddOutputFilter: extension (lower case, no dot) → DEFLATE named (true) or not.
  std::vector<std::pair<std::string, bool>> by_ext;
  // httpd's merges: by_type and set_deflate from `add` when it sets them, by_ext overlaid.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

}  // namespace tern
