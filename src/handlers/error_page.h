#pragma once
// Error and redirect responses: httpd's built-in pages and ErrorDocument.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "handlers/server_signature.h"
#include "http/mime_table.h"
#include "http/request.h"
#include "http/response.h"

namespace tern {

// Per-call details that some statuses need.
struct ErrorExtras {
  std::string_view location;      // 3xx: Location value (also linked from the body)
  std::string_view allow;         // 405: Allow value
  std::string_view method;        // 405/501: named in the body (from the request if empty)
  int64_t entity_length = -1;     // 416: adds Content-Range: bytes */N when >= 0
  std::string_view headers;       // fields kept on the error (httpd's err_headers_out)
  std::string_view variant_list;  // 300/406: mod_negotiation's list of variants (HTML)
  // 401: the WWW-Authenticate value authentication left (httpd's err_headers_out).
  std::string_view www_authenticate;
  // 400: httpd's note "error-notes" (HTML), added to the built-in page's paragraph.
  std::string_view error_notes;
  // The ErrorDocument the request's directory sets for the status (kind kDefault: the
  // built-in page); null: the server's ErrorDocument applies.
  const ErrorDocumentSpec* document = nullptr;
  // The status whose ErrorDocument request failed (httpd's recursive_error): the
  // built-in page notes it ("Additionally, a … error was encountered"); 0: none.
  int recursive_error = 0;
};

// True for the statuses after which httpd drops the connection (400, 408, 411, 413,
// 414, 431, 500, 501, 503).
bool drops_connection(int status);

// Built-in pages prepared once; immutable and shared by all threads afterwards.
class ErrorPages {
 public:
  // Prepares the built-in page of every status 300..599 and keeps the ErrorDocuments
  // of `config` (local paths are served from `config.document_root` with `mime`).
  ErrorPages(const Config& config, const MimeTable* mime);

  // Replaces `resp` (status, fields, body) with the response for `status`:
  // ErrorDocument first (extras.document, else the server's: local file, 302 to an external
  // URL, or text), else the built-in
  // page (text/html; charset=iso-8859-1) with ServerSignature's line. Keeps resp.env. Sets
  // close_connection for statuses after which httpd drops the connection (400, 408, 411, 413, 414,
  // 431, 500, 501, 503).
  void render(int status, const Request* req, const ErrorExtras& extras, Response& resp) const;

  // The server level's ErrorDocument for `status` (the last one configured), or null.
  const ErrorDocumentSpec* server_document(int status) const;

  // The built-in body for `status` as prepared (method/location parts left empty).
  std::string_view built_in_body(int status) const;

 private:
  struct Page {
    std::string head;  // up to the variable part (or the whole page)
    std::string tail;  // after the variable part; empty when none
    bool variable = false;
  };
  const Page& page(int status) const;
  void render_built_in(int status, const Request* req, const ErrorExtras& extras,
                       Response& resp) const;

  std::vector<Page> pages_;  // index status - 300
  std::vector<ErrorDocumentSpec> documents_;
  std::string document_root_;
  const MimeTable* mime_;
  ServerSignature signature_;
  std::string banner_;  // the Server header value (ServerTokens)
  std::string admin_;   // ServerAdmin
  SelfName self_;
};

// Appends `text` HTML-escaped (& < > ") to `out`.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace tern
