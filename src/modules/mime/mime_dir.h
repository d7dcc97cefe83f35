#pragma once
// mod_mime's per-directory configuration (httpd's mime_dir_config) and its file name
// rule (find_ct): every extension of the name contributes metadata, left to right.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/module_config.h"
#include "http/content_meta.h"
#include "http/mime_table.h"

namespace tern {

// The attributes one extension can carry (httpd's extension_info). nullopt: not set in
// this scope; "": removed by Remove* (then, for the type, mime.types is not consulted).
struct MimeExtInfo {
  std::optional<std::string> type;      // AddType
  std::optional<std::string> encoding;  // AddEncoding
  std::optional<std::string> language;  // AddLanguage
  std::optional<std::string> charset;   // AddCharset
  std::optional<std::string> handler;   // AddHandler
};

// Which attribute a Remove* directive names.
enum class MimeAttr { kType, kEncoding, kLanguage, kCharset, kHandler };

// The attribute `a` of `info`.
std::optional<std::string>& mime_attr(MimeExtInfo& info, MimeAttr a);

struct MimeDirConfig final : ModuleConfig {
  std::map<std::string, MimeExtInfo, std::less<>> ext;    // lower-case extension, no dot
  std::vector<std::pair<std::string, MimeAttr>> removes;  // Remove* of this scope
  std::optional<std::string> default_language;            // DefaultLanguage
  // Add*: sets `a` of each extension (lower-cased, leading dot dropped) to `value`
  // (lower-cased, as httpd's add_extension_info); "" when this scope removed it.
  void add(MimeAttr a, std::string_view extension, std::string_view value);
  // Remove*: records the removal, applied to the enclosing scopes' mappings at merge
  // (and to this scope's own).
  void remove(MimeAttr a, std::string_view extension);
  // httpd's merge_mime_dir_configs: add's attributes over base's, then add's removals.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// What find_ct decides for a file name.
struct MimeDecision {
  ContentMeta meta;
  std::string_view handler;  // AddHandler's, empty when none
};

// httpd's find_ct over the last path component of `filename`: the base name (leading
// dots included) is skipped, then each extension in turn sets the type (`conf`'s AddType,
// else `table`), charset, language, encoding and handler. `conf` may be null. Views
// point into `conf`, `table` or this thread's buffers (valid until the thread's next
// call). Allocates nothing unless a charset, two languages or two encodings combine.
// With `exceptions` (httpd's note "ap-mime-exceptions-list", for mod_negotiation): it
// receives the base name and every extension that set no type, charset, language or
// encoding (views into `filename`); the result is true when some extension did.
MimeDecision find_content_type(const MimeDirConfig* conf, const MimeTable& table,
                               std::string_view filename,
                               std::vector<std::string_view>* exceptions = nullptr,
                               bool* found_metadata = nullptr);

}  // namespace tern
