#pragma once
// What mod_mime says about one variant file of a MultiViews negotiation (httpd runs a
// sub-request through mod_mime's type_checker, find_ct): describe_variant() applies
// mod_mime's file-name rule (find_content_type in src/modules/mime/mime_dir.h) under the
// merged per-directory configuration.

#include <string>
#include <string_view>
#include <vector>

#include "http/mime_table.h"
#include "modules/dir_configs.h"

namespace tern {

// One variant's metadata, as mod_mime sets it on the variant's sub-request.
struct VariantMeta {
  std::string content_type;            // "text/html" or "text/html; charset=utf-8"; "" unknown
  std::string encoding;                // AddEncoding's ("x-gzip"); several joined by ", "
  std::vector<std::string> languages;  // AddLanguage's (or DefaultLanguage), in extension order
  std::string_view handler;            // AddHandler's (views the configuration), "" when none
  // httpd's note "ap-mime-exceptions-list": false when no extension meant anything
  // (the file is then no variant); else `exceptions` holds the base name and every
  // extension mod_mime did not recognise, in order.
  bool found_metadata = false;
  std::vector<std::string> exceptions;
};

// mod_mime's find_ct for the file name `name` (no directory) under the merged
// per-directory configuration `dir` (may be null) and the TypesConfig table `types`.
VariantMeta describe_variant(const DirConfigs* dir, const MimeTable& types, std::string_view name);

}  // namespace tern
