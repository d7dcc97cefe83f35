#pragma once
// mod_autoindex's listing, internal to the module: the entries of a directory (read,
// filtered by IndexIgnore, typed, sorted as httpd's dsortf) and their HTML rendering.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/autoindex_config.h"

namespace tern::autoindex {

// One listed entry (httpd's struct ent).
struct Entry {
  std::string name;       // "file", "dir/", or the parent's URL ("/a/") for the parent entry
  std::string_view icon;  // empty: none
  std::string_view alt;   // empty: none
  std::optional<std::string> desc;
  int64_t size = -1;
  int64_t lm = -1;      // modification time in microseconds, -1 unknown
  bool isdir = false;   // only with FoldersFirst
  bool parent = false;  // the "Parent Directory" entry
};

// How the entries are ordered (from IndexOrderDefault and the query string).
struct SortKey {
  char key = 'N';  // N, M, S, D
  bool ascending = true;
  bool version_sort = false;
  bool ignore_case = false;
};

// httpd's dsortf as a strict "less than".
bool entry_before(const Entry& a, const Entry& b, const SortKey& k);

// httpd's find_item over `list` for a file `path` of `content_type` (no parameters;
// empty: unknown) and `encoding` (empty: none); `path_only` skips the type/encoding
// entries. Empty when nothing matches.
std::string_view find_item(std::string_view content_type, std::string_view encoding,
                           std::string_view path, const std::vector<Item>& list, bool path_only);

// httpd's find_desc: the first AddDescription matching the full path / its file name.
std::optional<std::string> find_desc(const AutoindexDirConfig& d, std::string_view path);

// httpd's ignore_entry: true when IndexIgnore hides `path` (a full file path).
bool ignore_entry(const AutoindexDirConfig& d, std::string_view path);

// What the query string (?C=M;O=D;F=2;V=1;P=*.txt) changes (httpd's index_directory).
struct ListingQuery {
  char keyid = 'N';
  char direction = 'A';
  unsigned opts = 0;                   // IndexOptions after F= and V=
  std::string colargs;                 // ";F=2;V=1;P=…" appended to the column links
  std::optional<std::string> pattern;  // P=: only names matching it are listed
};

// Parses `query` (empty: none) over the defaults of `d` and `opts`.
ListingQuery parse_listing_query(const AutoindexDirConfig& d, unsigned opts,
                                 std::optional<std::string_view> query);

// httpd's output_directories: the listing's table/pre/ul part for sorted `entries`.
void render_entries(std::string& out, const std::vector<Entry>& entries,
                    const AutoindexDirConfig& d, const ListingQuery& q);

// httpd's emit_preamble.
void render_preamble(std::string& out, const AutoindexDirConfig& d, bool xhtml,
                     std::string_view title);

}  // namespace tern::autoindex
