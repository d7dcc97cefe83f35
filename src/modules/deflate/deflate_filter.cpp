#include "modules/deflate/deflate_filter.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "http/conditional.h"
#include "http/http_date.h"
#include "http/range.h"
#include "modules/deflate/accept_encoding.h"
#include "modules/deflate/deflate_task.h"
#include "modules/deflate/gzip_cache.h"

#include <ctime>

namespace tern {

DeflateRequest DeflateRequest::from(const Request& req, const Response& resp) {
  DeflateRequest rq;
  if (auto ae = req.header("Accept-Encoding")) rq.accept_encoding.emplace(*ae);
  rq.no_gzip = resp.env_value("no-gzip").has_value();
  rq.force_gzip = resp.env_value("force-gzip").has_value();
  auto only = resp.env_value("gzip-only-text/html");
  rq.gzip_only_html = only && *only == "1";
  return rq;
}

bool DeflateMatch::matches(std::optional<std::string_view> content_type) const {
  if (always) return true;
  if (!content_type || types == nullptr) return false;
  std::string_view ct = *content_type;
  ct = ct.substr(0, ct.find_first_of("; \t"));
  for (const std::string& t : *types) {
    if (t == ct) return true;
  }
  return false;
}

DeflateMatch deflate_match(const FilterDirConfig* dir, std::string_view filename) {
  DeflateMatch m;
  if (dir == nullptr) return m;
  if (dir->set_deflate) m.always = *dir->set_deflate;
  if (!m.always && !dir->by_ext.empty()) {
    // mod_mime: every extension of the file's name after its first dot.
    std::string_view name = filename.substr(filename.rfind('/') + 1);
    size_t dot = name.find('.');
    while (dot != std::string_view::npos && !m.always) {
      const size_t next = name.find('.', dot + 1);
      const std::string_view ext =
          name.substr(dot + 1, next == name.npos ? name.npos : next - dot - 1);
      for (const auto& [e, deflate] : dir->by_ext) {
        if (iequals(e, ext)) m.always = deflate;
      }
      dot = next;
    }
  }
  if (dir->by_type) m.types = &*dir->by_type;
  return m;
}

namespace {

// httpd's deflate_check_etag: "-gzip" before the closing quote, or no ETag.
void alter_etag(AlterEtag alter, Response& resp) {
  if (alter == AlterEtag::kNoChange) return;
  auto etag = resp.header("ETag");
  if (!etag) return;
  if (alter == AlterEtag::kRemove) {
    resp.remove_header("ETag");
    return;
  }
  std::string tag(*etag);
  if (tag.empty() || tag.back() != '"') return;
  tag.insert(tag.size() - 1, "-gzip");
  resp.remove_header("ETag");
  resp.add_header("ETag", tag);
}

// apr_table_mergen(headers_out, name, value).
void merge_header(Response& resp, std::string_view name, std::string_view value) {
  auto old = resp.header(name);
  if (!old) {
    resp.add_header(name, value);
    return;
  }
  std::string v(*old);
  v.append(", ");
  v.append(value);
  resp.remove_header(name);
  resp.add_header(name, v);
}

}  // namespace

DeflateVerdict deflate_decide(const DeflateRequest& rq, const DeflateMatch& match,
                              std::optional<uint64_t> known_length, AlterEtag alter,
                              Response& resp) {
  // mod_filter: the filter runs only for the configured types.
  auto content_type = resp.header("Content-Type");
  if (!match.matches(content_type)) return DeflateVerdict::kPass;
  // An empty body, or one too short to gain (httpd 2.4.71).
  if (known_length && *known_length < kDeflateMinSize) return DeflateVerdict::kPass;
  if (resp.status == 204 || rq.no_gzip || resp.header("Content-Range"))
    return DeflateVerdict::kPass;
  if (rq.gzip_only_html && (!content_type || !content_type->starts_with("text/html")))
    return DeflateVerdict::kPass;
  std::string encoding;
  if (auto ce = resp.header("Content-Encoding")) {
    encoding.assign(*ce);
    if (!encoding_is_identity(encoding)) return DeflateVerdict::kPass;
  }
  // Whether or not this client takes gzip, the response depends on Accept-Encoding.
  merge_header(resp, "Vary", "Accept-Encoding");
  if (!rq.force_gzip && (!rq.accept_encoding || !accepts_gzip(*rq.accept_encoding)))
    return DeflateVerdict::kVaryOnly;
  if (encoding.empty() || iequals(encoding, "identity")) {
    resp.remove_header("Content-Encoding");
    resp.add_header("Content-Encoding", "gzip");
  } else {
    merge_header(resp, "Content-Encoding", "gzip");
  }
  resp.remove_header("Content-Length");
  resp.remove_header("Content-MD5");
  alter_etag(alter, resp);
  return DeflateVerdict::kCompress;
}

namespace {

// Feeds the body chunks of `resp` (at most kDeflateAtOnceMax bytes) through `z` into `out`.
bool compress_chunks(const Response& resp, GzipStream& z, std::string& out) {
  char buf[16 * 1024];
  for (const BodyChunk& c : resp.chunks) {
    if (!c.from_file) {
      if (!z.write(resp.memory(c), out)) return false;
      continue;
    }
    uint64_t off = c.offset;
    uint64_t left = c.length;
    while (left > 0) {
      const ssize_t n = ::pread(resp.file_fd(), buf, std::min<uint64_t>(left, sizeof buf),
                                static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;  // the file shrank or failed: give up on compression
      if (!z.write(std::string_view(buf, static_cast<size_t>(n)), out)) return false;
      off += static_cast<uint64_t>(n);
      left -= static_cast<uint64_t>(n);
    }
  }
  return z.finish(out);
}

// The validators of the (altered) head in `resp`.
struct HeadValidators {
  std::string etag;
  std::optional<time_t> last_modified;
};

HeadValidators validators_of(const Response& resp) {
  HeadValidators v;
  if (auto e = resp.header("ETag")) v.etag.assign(*e);
  if (auto lm = resp.header("Last-Modified")) v.last_modified = parse_http_date(*lm);
  return v;
}

// httpd's byterange filter over a compressed body it got whole: one satisfiable range
// becomes a 206 of the gzip bytes. Several ranges, or none satisfiable, keep the 200.
bool apply_range(const Request& req, const Validators& v, int max_ranges, std::string_view body,
                 Response& resp) {
  auto range = req.header("Range");
  if (!range || req.method != Method::kGet || resp.status != 200 || !if_range_allows(req, v))
    return false;
  thread_local std::vector<ByteRange> ranges;
  if (parse_range(*range, body.size(), max_ranges, ranges) != RangeDecision::kSatisfiable ||
      ranges.size() != 1)
    return false;
  const ByteRange r = ranges.front();
  std::string value = "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" +
                      std::to_string(body.size());
  resp.status = 206;
  resp.add_header("Content-Range", value);
  resp.append_body(body.substr(r.first, r.last - r.first + 1));
  return true;
}

}  // namespace

bool deflate_body(const Request& req, const DeflateServerConfig& cfg, int max_ranges, time_t now,
                  Response& resp) {
  const HeadValidators hv = validators_of(resp);
  const Validators v{hv.etag, hv.last_modified, now};
  // A client revalidating the gzip representation by its ETag: 304 (httpd 2.4 answers 200).
  if (resp.status == 200 && !hv.etag.empty() && req.header("If-None-Match") &&
      evaluate_preconditions(req, v) == 304) {
    make_not_modified(resp);
    resp.status = 304;
    return true;
  }
  const uint64_t length = resp.body_length();
  if (length <= kDeflateAtOnceMax) {
    thread_local std::string out;
    out.clear();
    if (resp.chunks.size() == 1 && !resp.chunks[0].from_file) {
      // A body in memory (a cached file): its gzip may be cached too.
      static GzipCache cache;
      const BodyChunk& c = resp.chunks[0];
      auto gz = cache.get(resp.memory(c), cfg.gzip());
      if (!gz) return false;
      out.assign(*gz);
    } else {
      GzipStream z(cfg.gzip());
      if (!z.ok() || !compress_chunks(resp, z, out)) return false;
    }
    resp.clear_body();
    if (out.size() > cfg.buffer()) {
      // httpd passed a first DeflateBufferSize of output before the end: chunked.
      resp.append_body(out);
      resp.chunked = true;
      return true;
    }
    if (!apply_range(req, v, max_ranges, out, resp)) resp.append_body(out);
    return true;
  }
  if (req.method == Method::kHead) {
    // The compressed length is unknown without compressing the file: none is sent.
    resp.clear_body();
    resp.chunked = true;
    return true;
  }
  resp.task = make_deflate_body_task(resp, cfg.gzip());
  return resp.task != nullptr;
}

}  // namespace tern
