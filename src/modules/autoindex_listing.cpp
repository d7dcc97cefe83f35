// mod_autoindex's handler (httpd's handle_autoindex and index_directory): reads the
// directory, applies IndexIgnore, types and sorts the entries, and writes the page with
// its HeaderName / ReadmeName files and ServerSignature.

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "handlers/server_header.h"
#include "handlers/server_signature.h"
#include "http/request.h"
#include "log/error_log.h"
#include "modules/autoindex.h"
#include "modules/autoindex_listing.h"
#include "modules/autoindex_text.h"
#include "modules/core_dir.h"
#include "modules/dir_configs.h"
#include "modules/mime/mime_dir.h"
#include "modules/registry.h"
#include "net/unique_fd.h"

namespace tern {

namespace modules {
extern const Module mime_module;
}  // namespace modules

namespace {

using namespace autoindex;

// HeaderName / ReadmeName files larger than this are not included.
constexpr off_t kMaxIncludedFile = 1 << 20;

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

void log_error(const RequestRec& r, const std::string& text) {
  if (!ErrorLog::enabled(LogLevel::kError)) return;
  ErrorLog::write(LogLevel::kError, "autoindex",
                  client_prefix(r.ctx.client_ip, r.ctx.client_port) + text);
}

// A content type without its parameters (httpd's ap_field_noparam).
std::string_view type_noparam(std::string_view t) {
  t = t.substr(0, t.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  return t;
}

// The content type (without parameters) mod_mime gives the file `name` in the request's
// scope (its AddType etc. over TypesConfig), as httpd's per-entry sub-request finds it.
std::string_view entry_type(const RequestRec& r, const AutoindexSite& site, std::string_view name) {
  if (site.mime == nullptr) return {};
  static const int index = module_index(modules::mime_module);
  const MimeDirConfig* conf =
      r.dir != nullptr && index >= 0 ? dir_config<MimeDirConfig>(*r.dir, index) : nullptr;
  return type_noparam(find_content_type(conf, *site.mime, name).meta.type);
}

// A HeaderName/ReadmeName file as httpd's subrequest finds it: HTML (inserted as is),
// other text (escaped in <pre>), or nothing.
struct Included {
  enum class Kind { kNone, kHtml, kText } kind = Kind::kNone;
  std::string content;
};

Included load_included(const RequestRec& r, const std::string& dirpath, const std::string& name,
                       const AutoindexSite& site) {
  Included inc;
  const std::string path =
      name.starts_with('/') ? std::string(site.document_root) + name : dirpath + name;
  const std::string_view type = entry_type(r, site, name);
  const bool html = iequals(type, "text/html") || iequals(type, "application/xhtml+xml");
  const bool text = type.size() >= 5 && iequals(type.substr(0, 5), "text/");
  if (!html && !text) return inc;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return inc;
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxIncludedFile) return inc;
  inc.content.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < inc.content.size()) {
    const ssize_t n = ::read(fd, inc.content.data() + got, inc.content.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  inc.content.resize(got);
  inc.kind = html ? Included::Kind::kHtml : Included::Kind::kText;
  return inc;
}

// httpd's do_emit_plain: the text in <pre>, with <, > and & escaped (a NUL ends it).
void emit_plain(std::string& out, std::string_view text) {
  text = text.substr(0, text.find('\0'));
  out.append("<pre>\n");
  for (char c : text) {
    if (c == '<') {
      out.append("&lt;");
    } else if (c == '>') {
      out.append("&gt;");
    } else if (c == '&') {
      out.append("&amp;");
    } else {
      out.push_back(c);
    }
  }
  out.append("</pre>\n");
}

// httpd's emit_head: preamble, header file, <h1>.
void emit_head(std::string& out, const RequestRec& r, const AutoindexDirConfig& d,
               const AutoindexSite& site, const std::string& dirpath, unsigned opts,
               std::string_view title) {
  const bool suppress_amble = (opts & kSuppressPreamble) != 0;
  const bool xhtml = (opts & kEmitXhtml) != 0;
  bool emit_amble = true, emit_h1 = true;
  if (d.header) {
    Included inc = load_included(r, dirpath, *d.header, site);
    if (inc.kind == Included::Kind::kHtml) {
      emit_amble = emit_h1 = false;
      if (!suppress_amble) render_preamble(out, d, xhtml, title);
      out.append(inc.content);
    } else if (inc.kind == Included::Kind::kText) {
      render_preamble(out, d, xhtml, title);
      emit_amble = emit_h1 = false;
      emit_plain(out, inc.content);
    }
  }
  if (emit_amble) render_preamble(out, d, xhtml, title);
  if (emit_h1) {
    out.append(d.style_sheet ? "  <h1 id=\"indextitle\">Index of " : "<h1>Index of ");
    out.append(title);
    out.append("</h1>\n");
  }
}

// httpd's emit_tail: readme file, ServerSignature, postamble.
void emit_tail(std::string& out, const RequestRec& r, const AutoindexDirConfig& d,
               const AutoindexSite& site, const std::string& dirpath, unsigned opts) {
  bool suppress_post = false, suppress_sig = false;
  if (d.readme) {
    Included inc = load_included(r, dirpath, *d.readme, site);
    if (inc.kind == Included::Kind::kHtml) {
      out.append(inc.content);
      suppress_sig = true;
      suppress_post = (opts & kSuppressPreamble) != 0;
    } else if (inc.kind == Included::Kind::kText) {
      emit_plain(out, inc.content);
      suppress_sig = true;
    }
  }
  if (!suppress_sig && r.server.server_signature != ServerSignature::kOff) {
    std::string name;
    uint16_t port = 0;
    SelfName::from_server_name(r.server.server_name).for_request(&r.req, &name, &port);
    out.append(server_signature(r.server.server_signature, "",
                                server_header_value(r.server.server_tokens), r.server.server_admin,
                                name, port));
  }
  if (!suppress_post) out.append("</body></html>\n");
}

// httpd's make_parent_entry; nullopt for "/" or when IndexIgnore hides "..".
std::optional<Entry> parent_entry(const RequestRec& r, const AutoindexDirConfig& d,
                                  const std::string& dirpath, unsigned opts) {
  std::string_view uri = r.url_path;
  if (uri.empty() || uri == "/") return std::nullopt;
  uri.remove_suffix(1);  // the trailing '/'
  Entry p;
  p.name = std::string(uri.substr(0, uri.rfind('/') + 1));
  p.parent = true;
  const std::string testpath = dirpath + "..";
  if (ignore_entry(d, testpath)) return std::nullopt;
  if (opts & kFancyIndexing) {
    p.icon = find_item("", "", testpath, d.icon_list, true);
    if (p.icon.empty()) p.icon = find_item("", "", "^^DIRECTORY^^", d.icon_list, true);
    p.alt = find_item("", "", testpath, d.alt_list, true);
    if (p.alt.empty()) p.alt = find_item("", "", "^^DIRECTORY^^", d.alt_list, true);
    if (p.alt.empty()) p.alt = "PARENTDIR";
    p.desc = find_desc(d, testpath);
  }
  return p;
}

// httpd's make_autoindex_entry for one directory entry that passed the filters.
Entry make_entry(const RequestRec& r, std::string_view name, const struct stat& st,
                 const AutoindexDirConfig& d, const AutoindexSite& site, const std::string& dirpath,
                 const ListingQuery& q) {
  Entry p;
  const bool dir = S_ISDIR(st.st_mode);
  p.name = std::string(name);
  if (dir) p.name.push_back('/');
  if (q.opts & (kFancyIndexing | kTableIndexing)) {
    p.lm = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
    const std::string path = dirpath + std::string(name);
    if (dir) {
      // httpd's subrequest for the entry runs mod_dir, which fast-redirects it to the
      // directory's index file: the listing shows that file's time.
      if (site.index_names != nullptr) {
        for (const std::string& index : *site.index_names) {
          struct stat ist {};
          const std::string ipath = path + "/" + index;
          if (::stat(ipath.c_str(), &ist) == 0 && S_ISREG(ist.st_mode)) {
            p.lm = static_cast<int64_t>(ist.st_mtim.tv_sec) * 1000000 + ist.st_mtim.tv_nsec / 1000;
            break;
          }
        }
      }
      if (q.opts & kFoldersFirst) p.isdir = true;
      p.icon = find_item("", "", path, d.icon_list, true);
      if (p.icon.empty()) p.icon = find_item("", "", "^^DIRECTORY^^", d.icon_list, true);
      p.alt = find_item("", "", path, d.alt_list, true);
      if (p.alt.empty()) p.alt = find_item("", "", "^^DIRECTORY^^", d.alt_list, true);
      if (p.alt.empty()) p.alt = "DIR";
    } else {
      const std::string_view type = entry_type(r, site, name);
      p.icon = find_item(type, "", path, d.icon_list, false);
      p.alt = find_item(type, "", path, d.alt_list, false);
      p.size = static_cast<int64_t>(st.st_size);
    }
    p.desc = find_desc(d, path);
  }
  if (q.keyid == 'M' && p.lm < 0) p.lm = 0;
  return p;
}

// Reads the listed entries of `dirp` (at most kMaxListedEntries examined).
void read_entries(DIR* dirp, const RequestRec& r, const AutoindexDirConfig& d,
                  const AutoindexSite& site, const std::string& dirpath, const ListingQuery& q,
                  std::vector<Entry>& out) {
  const int dfd = ::dirfd(dirp);
  size_t examined = 0;
  while (struct dirent* de = ::readdir(dirp)) {
    const std::string_view name = de->d_name;
    if (name == "." || name == "..") continue;
    if (++examined > kMaxListedEntries) {
      log_error(r, "listing of " + dirpath + " stopped after " + std::to_string(kMaxListedEntries) +
                       " entries");
      break;
    }
    if (q.pattern && ::fnmatch(q.pattern->c_str(), de->d_name, FNM_NOESCAPE | FNM_PERIOD) != 0)
      continue;
    if (ignore_entry(d, dirpath + std::string(name))) continue;
    struct stat st {};
    if (::fstatat(dfd, de->d_name, &st, 0) != 0) continue;  // symlinks followed, as httpd
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) continue;
    out.push_back(make_entry(r, name, st, d, site, dirpath, q));
  }
}

// The page title: the URL, HTML-escaped, without trailing slashes.
std::string page_title(std::string_view uri) {
  std::string title;
  append_html_escaped(title, uri);
  while (title.size() > 1 && title.back() == '/') title.pop_back();
  return title;
}

int index_directory(RequestRec& r, const AutoindexDirConfig& d, const AutoindexSite& site,
                    const std::string& dirpath) {
  DirPtr dirp(::opendir(dirpath.c_str()));
  if (!dirp) {
    log_error(r, "AH01275: Can't open directory for index: " + dirpath);
    return 403;
  }
  const std::string ctype = d.ctype ? *d.ctype : "text/html";
  const std::string charset = d.charset ? *d.charset : "ISO-8859-1";
  r.resp.add_header("Content-Type", charset.empty() ? ctype : ctype + ";charset=" + charset);
  const ListingQuery q = parse_listing_query(
      d, d.opts, r.req.has_query ? std::optional<std::string_view>(r.req.query) : std::nullopt);
  std::string body;
  emit_head(body, r, d, site, dirpath, q.opts, page_title(r.url_path));
  std::vector<Entry> entries;
  if (auto p = parent_entry(r, d, dirpath, q.opts)) entries.push_back(std::move(*p));
  read_entries(dirp.get(), r, d, site, dirpath, q, entries);
  SortKey key;
  key.key = static_cast<char>(std::toupper(static_cast<unsigned char>(q.keyid)));
  key.ascending = q.direction == 'A';
  key.version_sort = (q.opts & kVersionSort) != 0;
  key.ignore_case = (q.opts & kIgnoreCase) != 0;
  std::sort(entries.begin(), entries.end(),
            [&](const Entry& a, const Entry& b) { return entry_before(a, b, key); });
  render_entries(body, entries, d, q);
  emit_tail(body, r, d, site, dirpath, q.opts);
  r.resp.append_body(body);
  return kOk;
}

}  // namespace

int autoindex_directory(RequestRec& r, const AutoindexSite& site) {
  if (!(dir_options(*r.dir) & kOptIndexes)) {
    std::string names = "none";
    if (site.index_names != nullptr && !site.index_names->empty()) {
      names.clear();
      for (const std::string& n : *site.index_names) {
        if (!names.empty()) names.push_back(',');
        names.append(n);
      }
    }
    log_error(r, "AH01276: Cannot serve directory " + r.filename +
                     ": No matching DirectoryIndex (" + names +
                     ") found, and server-generated directory index forbidden by Options "
                     "directive");
    return 403;
  }
  static const AutoindexDirConfig kDefaults;
  const AutoindexDirConfig* c = autoindex_config(*r.dir);
  std::string dirpath = r.filename;
  if (dirpath.empty() || dirpath.back() != '/') dirpath.push_back('/');
  return index_directory(r, c != nullptr ? *c : kDefaults, site, dirpath);
}

}  // namespace tern
