#pragma once
// GET/HEAD of files under DocumentRoot: validators, conditionals, ranges, indexes.

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/file_cache.h"
#include "http/content_meta.h"
#include "http/handler.h"
#include "http/mime_table.h"

namespace tern {

// What the static file logic needs from the site configuration.
struct StaticOptions {
  std::string_view document_root;                             // absolute, no trailing slash
  const std::vector<std::string>* directory_index = nullptr;  // DirectoryIndex names
  const MimeTable* mime = nullptr;
  int max_ranges = 200;          // MaxRanges
  std::string_view server_name;  // for Location without Host
  FileCache* cache = nullptr;    // small files served from memory when set
};

// The outcome of serve_static.
struct StaticResult {
  // 200, 206, 304 or 412 (a failed If-Match or If-Unmodified-Since, no body, as httpd's
  // default handler): `resp` is complete. Anything else: render the error page for it
  // (301 with `location`; 416 with Content-Range `bytes */entity_length`).
  int status = 200;
  uint64_t entity_length = 0;
  std::string_view location;  // 301 target; valid until this thread's next call
  // 403 for a directory (URL ending in '/') without a DirectoryIndex file: the fs_path
  // given to serve_resolved names the directory again (httpd's "httpd/unix-directory"
  // handler, mod_autoindex, may list it).
  bool directory_without_index = false;
};

// Types a DirectoryIndex file the static path found (httpd's mod_dir sub-request): the
// site runs its type_checker for it.
class IndexTyper {
 public:
  // `fs_path` names an existing DirectoryIndex file: sets `meta` for it and returns
  // true, or returns false when another handler (AddHandler) answered the request in
  // the response already.
  virtual bool type_index(const std::string& fs_path, ContentMeta& meta) const = 0;

 protected:
  ~IndexTyper() = default;
};

// Serves the GET or HEAD request `req` (raw path `req.path`) from `opt.document_root`.
// Adds Last-Modified, ETag, Accept-Ranges ("none" when MaxRanges is 0) and Content-Type; the body
// is file chunks of `resp.file`. `now` is the request time (validators, If-Modified-Since).
StaticResult serve_static(const Request& req, const RequestContext& ctx, const StaticOptions& opt,
                          time_t now, Response& resp);

// As serve_static for a path already mapped by resolve_path(): `fs_path` (used as
// scratch for DirectoryIndex names) and the decoded, normalised `url_path`; `meta` is
// what the type_checker decided for the file (Content-Type, -Encoding, -Language), and
// `typer` types a DirectoryIndex file (null: opt.mime by its name).
// `whole`: a Range is not applied (an output filter applies it after its transformation).
StaticResult serve_resolved(const Request& req, const RequestContext& ctx, const StaticOptions& opt,
                            time_t now, std::string& fs_path, std::string_view url_path,
                            const ContentMeta& meta, const IndexTyper* typer, Response& resp,
                            bool whole = false);

// Serves the URL path `url_path` (percent-encoded, resolved like a request) as a plain body (no
// conditionals, no ranges, Content-Type from `mime`) keeping `resp.status`; for ErrorDocument.
// Returns false (resp body untouched) when it is not a readable regular file.
bool serve_file_body(std::string_view document_root, std::string_view url_path,
                     const MimeTable& mime, Response& resp);

// Maps an open()/stat() errno to a status: 404 (ENOENT, ENOTDIR, ENAMETOOLONG),
// 403 (EACCES, EPERM, ELOOP) or 500.
int status_for_errno(int err);

}  // namespace tern
