#pragma once
// mod_alias's URL mapping: Alias, AliasMatch, ScriptAlias and ScriptAliasMatch checked in
// configuration order, the first match wins (httpd's try_alias_list).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tern {

// Where a URL leads through an alias.
struct AliasMapping {
  const ScriptAliasSpec* alias = nullptr;  // the alias that matched
  std::string filename;                    // the file path the alias makes of the URL
  std::string_view context_prefix;         // CONTEXT_PREFIX: the alias URL ("" for a regex)
  std::string_view context_root;           // CONTEXT_DOCUMENT_ROOT: its target ("" for a regex)
  int status = 0;                          // 500 when a regex could not be evaluated
};

// The first alias of `aliases` that applies to the decoded `url_path`; false when none
// does. `out->filename`'s capacity is reused.
bool map_alias(const std::vector<ScriptAliasSpec>& aliases, std::string_view url_path,
               AliasMapping* out);

// mod_alias's alias_matches: how many bytes of `uri` the prefix `fake` matches (runs of
// '/' match runs of '/', the match ends at a segment boundary: "/icons/" does not match
// "/icons"), 0 when it does not.
size_t alias_matches(std::string_view uri, std::string_view fake);

}  // namespace tern
