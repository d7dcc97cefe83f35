#pragma once
// mod_autoindex's handler (httpd's handle_autoindex): the listing of a directory that has
// no DirectoryIndex file. Core's default handler calls it for a GET/HEAD of such a
// directory (URL ending in '/') when autoindex_module is active; that is where tern's
// mod_dir finds that no index file exists (httpd: the "httpd/unix-directory" handler).

#include <string_view>
#include <vector>

#include "http/mime_table.h"
#include "modules/module.h"

namespace tern {

// What the listing needs from the site besides the request.
struct AutoindexSite {
  const MimeTable* mime = nullptr;  // content types of the entries (AddIconByType)
  // The DirectoryIndex names tried (for AH01276), or null when mod_dir is not active.
  const std::vector<std::string>* index_names = nullptr;
  std::string_view document_root;  // where an absolute HeaderName/ReadmeName URL maps
};

// At most this many directory entries are listed (the rest are left out and logged):
// bounds the time and memory of one listing (httpd has no bound).
inline constexpr size_t kMaxListedEntries = 20000;

// For `r` (r.filename a directory, r.url_path ending in '/'): with Options Indexes, fills
// r.resp with the listing and returns kOk; else logs AH01276 and returns 403 (also 403
// with AH01275 when the directory cannot be read).
int autoindex_directory(RequestRec& r, const AutoindexSite& site);

}  // namespace tern
