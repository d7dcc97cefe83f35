#include "handlers/static_file.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>

#include "http/conditional.h"
#include "http/etag.h"
#include "http/http_date.h"
#include "http/path_resolve.h"
#include "http/range.h"

namespace tern {

namespace {

// Per-thread scratch buffers reused by every request (no steady-state allocation).
struct Scratch {
  std::string fs_path;
  std::string url_path;
  std::string location;
  std::vector<ByteRange> ranges;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Opens `path` read-only; O_NONBLOCK so that a FIFO cannot block the worker (it has
// no effect on regular files). Returns the fd or -errno.
int open_file(const std::string& path, struct stat& st) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return -errno;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return -err;
  }
  return fd;
}

// The port a URL of `scheme` implies when it names none (httpd's ap_default_port).
uint16_t default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

void build_location(const Request& req, const RequestContext& ctx, const StaticOptions& opt,
                    std::string_view url_path, std::string& out) {
  out.assign(ctx.scheme);
  out.append("://");
  if (!req.host.empty()) {
    out.append(req.host);
  } else {
    std::string_view name = opt.server_name.empty() ? ctx.local_ip : opt.server_name;
    bool v6 = name.find(':') != std::string_view::npos;
    if (v6) out.push_back('[');
    out.append(name);
    if (v6) out.push_back(']');
    if (ctx.local_port != default_port(ctx.scheme) && ctx.local_port != 0) {
      char buf[8];
      auto r = std::to_chars(buf, buf + sizeof(buf), ctx.local_port);
      out.push_back(':');
      out.append(buf, static_cast<size_t>(r.ptr - buf));
    }
  }
  append_escaped_path(out, url_path);
  out.push_back('/');
  if (req.has_query) {
    out.push_back('?');
    out.append(req.query);
  }
}

// Fills the 200/206/304 response for the open regular file `fd`.
// `cached` (when not null) is the open-file cache's entry of the file, `fd` then -1: its
// bytes (in memory) or its descriptor, and its formatted validators.
StaticResult serve_regular(const Request& req, const StaticOptions& opt, time_t now,
                           const ContentMeta& meta, int fd, const struct stat& st, Response& resp,
                           bool whole, std::shared_ptr<const CachedFile> cached = nullptr) {
  UniqueFd file(fd);
  StaticResult result;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  // httpd: Last-Modified never lies in the future; a file changed within the last second
  // gets a weak ETag because it may change again within the same second.
  time_t mtime = st.st_mtim.tv_sec > now ? now : st.st_mtim.tv_sec;
  bool weak = now - st.st_mtim.tv_sec < 1;
  char etag_buf[kMaxEtagLength];
  std::string_view etag;
  if (cached && !cached->validator_fields.empty() && !weak && mtime == st.st_mtim.tv_sec) {
    // The cache formatted these fields for the same size and mtime, strong and unclamped.
    resp.fields.append(cached->validator_fields);
    etag = cached->etag();
  } else {
    const int64_t mtime_usec =
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
    etag = std::string_view(etag_buf, make_etag(size, mtime_usec, weak, etag_buf));
    char date[30];
    format_http_date(mtime, date);
    resp.add_header("Last-Modified", std::string_view(date, kHttpDateLength));
    resp.add_header("ETag", etag);
  }
  // httpd: MaxRanges none announces that ranges are not accepted.
  resp.add_header("Accept-Ranges",
                  opt.max_ranges == 0 ? std::string_view("none") : std::string_view("bytes"));
  const std::string_view type = meta.type;
  if (!type.empty()) resp.add_header("Content-Type", type);
  if (!meta.encoding.empty()) resp.add_header("Content-Encoding", meta.encoding);
  if (!meta.language.empty()) resp.add_header("Content-Language", meta.language);

  Validators v{etag, mtime, now};
  int pre = evaluate_preconditions(req, v);
  if (pre == 304) {
    make_not_modified(resp);
    result.status = 304;
    return result;
  }
  if (pre != 0) {
    // httpd's default handler sets r->status and sends no body: the file's fields stay
    // and no ErrorDocument applies.
    resp.clear_body();
    resp.status = pre;
    result.status = pre;
    return result;
  }
  resp.clear_body();
  if (cached && cached->in_memory()) {  // served only to requests without Range (or `whole`)
    resp.status = 200;
    // Aliasing: the response holds the cache entry (and so its bytes) while it sends. The
    // entry moves in (no reference-count round trip); the member's address is taken first.
    resp.append_shared(std::shared_ptr<const std::string>(std::move(cached), &cached->content));
    return result;
  }
  resp.file = std::move(file);
  // Aliasing: the response holds the cache entry (and so its descriptor, and the ETag that
  // `v` views) while it sends; moved in as above.
  if (cached) resp.shared_file = std::shared_ptr<const UniqueFd>(std::move(cached), &cached->fd);
  auto range = whole ? std::nullopt : req.header("Range");
  if (range && req.method == Method::kGet && if_range_allows(req, v)) {
    auto& ranges = scratch().ranges;
    switch (parse_range(*range, size, opt.max_ranges, ranges)) {
      case RangeDecision::kSatisfiable:
        apply_ranges(ranges, size, type, resp);
        result.status = 206;
        return result;
      case RangeDecision::kUnsatisfiable:
        resp.clear_body();
        result.status = 416;
        result.entity_length = size;
        return result;
      case RangeDecision::kIgnore:
        break;
    }
  }
  resp.status = 200;
  resp.append_file_range(0, size);
  return result;
}

// serve_regular for a file held by the FileCache: from its bytes (a whole small file)
// or from its open descriptor. False when the cache cannot serve this request (ranges of
// a file held in memory): the caller opens the file.
bool serve_cached(const Request& req, const StaticOptions& opt, time_t now, const ContentMeta& meta,
                  std::shared_ptr<const CachedFile> f, Response& resp, bool whole,
                  StaticResult& result) {
  struct stat st {};
  st.st_size = static_cast<off_t>(f->size);
  st.st_mtim = f->mtim;
  if (f->in_memory() && !whole && req.header("Range")) return false;
  if (f->in_memory()) whole = true;
  result = serve_regular(req, opt, now, meta, -1, st, resp, whole, std::move(f));
  return true;
}

// The type of the DirectoryIndex file `fs_path` (named `index`): the typer's, else by
// name from opt.mime. False when another handler answered the request.
bool type_index(const IndexTyper* typer, const StaticOptions& opt, const std::string& fs_path,
                std::string_view index, ContentMeta& meta) {
  if (typer != nullptr) return typer->type_index(fs_path, meta);
  if (opt.mime != nullptr) meta.type = opt.mime->lookup(index);
  return true;
}

}  // namespace

int status_for_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
      return 404;
    case EACCES:
    case EPERM:
    case ELOOP:
      return 403;
    default:
      return 500;
  }
}

StaticResult serve_static(const Request& req, const RequestContext& ctx, const StaticOptions& opt,
                          time_t now, Response& resp) {
  Scratch& s = scratch();
  int status = resolve_path(req.path, opt.document_root, s.fs_path, s.url_path);
  if (status != 0) {
    StaticResult result;
    result.status = status;
    return result;
  }
  ContentMeta meta;
  if (opt.mime != nullptr) meta.type = opt.mime->lookup(s.url_path);
  return serve_resolved(req, ctx, opt, now, s.fs_path, s.url_path, meta, nullptr, resp);
}

StaticResult serve_resolved(const Request& req, const RequestContext& ctx, const StaticOptions& opt,
                            time_t now, std::string& fs_path, std::string_view url_path,
                            const ContentMeta& meta, const IndexTyper* typer, Response& resp,
                            bool whole) {
  Scratch& s = scratch();
  StaticResult result;
  struct stat st;
  bool directory = false;  // known from the cache: no need to open it
  if (opt.cache) {
    int err = 0;
    if (auto f = opt.cache->get(fs_path, now, &err)) {
      directory = f->directory;
      if (!directory && serve_cached(req, opt, now, meta, std::move(f), resp, whole, result)) {
        return result;
      }
    } else if (err != 0) {  // the cache's open failed: opening again would fail alike
      result.status = status_for_errno(err);
      return result;
    }
  }
  if (!directory) {
    int fd = open_file(fs_path, st);
    if (fd < 0) {
      result.status = status_for_errno(-fd);
      return result;
    }
    if (S_ISREG(st.st_mode)) return serve_regular(req, opt, now, meta, fd, st, resp, whole);
    ::close(fd);
    if (!S_ISDIR(st.st_mode)) {
      result.status = 403;  // FIFO, device, socket
      return result;
    }
  }
  if (url_path.back() != '/') {
    build_location(req, ctx, opt, url_path, s.location);
    result.status = 301;
    result.location = s.location;
    return result;
  }
  if (opt.directory_index != nullptr) {
    const size_t dir_len = fs_path.size();
    for (const std::string& index : *opt.directory_index) {
      fs_path.resize(dir_len);
      fs_path.append(index);
      ContentMeta index_meta;
      bool typed = false;  // type_index ran (once per candidate)
      int err = 0;
      if (opt.cache) {
        if (auto f = opt.cache->get(fs_path, now, &err)) {
          if (f->directory) continue;  // not a file to serve, as below
          if (!type_index(typer, opt, fs_path, index, index_meta)) return result;
          typed = true;
          if (serve_cached(req, opt, now, index_meta, std::move(f), resp, whole, result)) {
            return result;
          }
        }
      }
      // The cache's failed open stands for ours: a missing candidate costs one open.
      int fd = err != 0 ? -err : open_file(fs_path, st);
      if (fd < 0) {
        if (-fd == ENOENT || -fd == ENOTDIR) continue;
        result.status = status_for_errno(-fd);
        return result;
      }
      if (S_ISREG(st.st_mode)) {
        if (!typed && !type_index(typer, opt, fs_path, index, index_meta)) {
          ::close(fd);
          return result;
        }
        return serve_regular(req, opt, now, index_meta, fd, st, resp, whole);
      }
      ::close(fd);
    }
    fs_path.resize(dir_len);
  }
  result.status = 403;  // a directory without an index (mod_autoindex may list it)
  result.directory_without_index = true;
  return result;
}

bool serve_file_body(std::string_view document_root, std::string_view url_path,
                     const MimeTable& mime, Response& resp) {
  Scratch& s = scratch();
  if (resolve_path(url_path, document_root, s.fs_path, s.url_path) != 0) return false;
  struct stat st;
  int fd = open_file(s.fs_path, st);
  if (fd < 0) return false;
  UniqueFd file(fd);
  if (!S_ISREG(st.st_mode)) return false;
  resp.clear_body();
  resp.file = std::move(file);
  resp.append_file_range(0, static_cast<uint64_t>(st.st_size));
  std::string_view type = mime.lookup(s.url_path);
  if (!type.empty()) resp.add_header("Content-Type", type);
  return true;
}

}  // namespace tern
