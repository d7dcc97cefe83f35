#pragma once
// A response under construction: status, a header block written into one buffer,
// and a body made of memory bytes and ranges of one open file. Reused across
// requests so that the steady state allocates nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <memory>

#include "net/unique_fd.h"

namespace tern {

class ResponseTask;
class HeadFixup;

// One piece of the body: bytes of `Response::body_mem`, of `Response::shared_mem` (a memory
// chunk with `shared` set) or of `Response::file`. Read memory chunks with Response::memory().
struct BodyChunk {
  bool from_file = false;
  uint64_t offset = 0;  // into body_mem, shared_mem or the file
  uint64_t length = 0;
  bool shared = false;  // a memory chunk of shared_mem
};

// What a handler produces. The connection adds Date, Server, Content-Length and
// Connection when it serialises the head; a handler sets everything else.
class Response {
 public:
  Response();
  ~Response();
  Response(Response&&) noexcept;
  Response& operator=(Response&&) noexcept;

  int status = 200;
  // The status line's text when not the standard reason phrase ("" = standard), as a CGI
  // script's `Status: 404 Gone away` gives it.
  std::string reason;
  // Extra fields, each "Name: value\r\n", in the order added.
  std::string fields;
  // Storage for memory chunks.
  std::string body_mem;
  std::vector<BodyChunk> chunks;
  // The file that file chunks refer to (at most one per response): this descriptor, or
  // `shared_file` when set (a descriptor the open-file cache keeps; see file_fd()).
  UniqueFd file;
  std::shared_ptr<const UniqueFd> shared_file;
  // Bytes shared with another owner (the open-file cache's copy of a small file), sent
  // without copying them into body_mem (at most one per response; see append_shared()).
  std::shared_ptr<const std::string> shared_mem;
  // Set by a handler or the connection: close the connection after this response.
  bool close_connection = false;
  // The body is sent with Transfer-Encoding: chunked and no Content-Length (each memory chunk
  // framed as one HTTP chunk); for generated content of unknown length. Memory chunks only.
  // HTTP/1.0 clients get a close-delimited body instead.
  bool chunked = false;
  // A response that takes time (CGI, a backend): when set by the handler, the connection
  // drives the task (response_task.h) and ignores the body set here. Null on the fast path.
  std::unique_ptr<ResponseTask> task;
  // The request's environment variables (httpd's r->subprocess_env: mod_env's SetEnv, …),
  // name and value, in the order set; read by CGI and the access log's %{VAR}e.
  std::vector<std::pair<std::string, std::string>> env;
  // The user the request authenticated as (httpd's r->user: nullopt when none; set by
  // Basic authentication as soon as it reads the credentials) and the scheme (httpd's
  // r->ap_auth_type, "Basic"); read by the access log's %u and CGI.
  std::optional<std::string> user;
  std::string auth_type;
  // The scope's last edit of the head (mod_headers), run when the connection serialises
  // it; null on the fast path. Set once per request, by the innermost request that ran.
  std::shared_ptr<const HeadFixup> head_fixup;
  // The response is an error page (httpd's ap_send_error_response: only the fields of
  // `Header always` apply to it, not those of `Header onsuccess`).
  bool error_page = false;
  // The fields are a CGI script's header block (httpd keeps most of them in
  // err_headers_out, where only `Header always` reaches them).
  bool script_fields = false;
  // No response: the request waits for the client's certificate (mod_ssl's per-directory
  // SSLVerifyClient: TLS 1.3 post-handshake authentication, or a TLS 1.2 renegotiation);
  // the connection asks for it and runs the request again from its head.
  bool client_auth = false;
  // With client_auth: nothing is asked yet; first the request body, up to this many bytes
  // (mod_ssl's SSLRenegBufferSize), is read into memory, then the request runs again with
  // RequestContext::body_buffered (0: the client was asked).
  uint32_t client_auth_body = 0;
  // With client_auth: by a TLS 1.2 renegotiation (for the log lines).
  bool client_auth_renegotiation = false;

  // Appends the header field `name: value`.
  void add_header(std::string_view name, std::string_view value);
  // The value of the first field named `name` (case-insensitive) added so far.
  std::optional<std::string_view> header(std::string_view name) const;
  // Removes every field named `name` (case-insensitive).
  void remove_header(std::string_view name);
  // Appends `bytes` to the body as a memory chunk (merged with a preceding one).
  void append_body(std::string_view bytes);
  // Appends all of `bytes` to the body as a memory chunk that refers to them (no copy);
  // replaces an earlier shared_mem, which no chunk may refer to then.
  void append_shared(std::shared_ptr<const std::string> bytes);
  // The bytes of the memory chunk `c` (of body_mem or shared_mem).
  std::string_view memory(const BodyChunk& c) const {
    return std::string_view(c.shared ? *shared_mem : body_mem).substr(c.offset, c.length);
  }
  // Appends bytes [offset, offset+length) of `file` to the body.
  void append_file_range(uint64_t offset, uint64_t length);
  // Total body length in bytes.
  uint64_t body_length() const;
  // Drops body chunks and the file, keeping status and fields.
  void clear_body();
  // The descriptor file chunks are read from (-1 when there is none).
  int file_fd() const { return shared_file ? shared_file->get() : file.get(); }
  // True when the body has a file to read file chunks from.
  bool has_file() const { return file_fd() >= 0; }
  // The file as a descriptor of the caller's own (a dup of a shared one; empty if none or
  // dup failed), leaving the response without a file; for a filter that keeps reading it.
  UniqueFd take_file();
  // The value of environment variable `name` (case-insensitive, as httpd's tables).
  std::optional<std::string_view> env_value(std::string_view name) const;
  // Sets environment variable `name` (replacing one of the same name).
  void set_env(std::string_view name, std::string_view value);
  // Removes environment variable `name`.
  void unset_env(std::string_view name);
  // Resets to an empty 200 response, keeping buffer capacity (env included); forgets
  // the user.
  void clear();
  // As clear(), but the environment variables and the user stay (an error page for the
  // same request).
  void clear_keep_env();
};

// The reason phrase for `status` ("OK", "Not Found", …), as httpd 2.4 words it (its
// status_lines: "Request Entity Too Large", not RFC 9110's "Content Too Large"); "Unknown"
// when none.
std::string_view reason_phrase(int status);

// True when a response with `status` never has a body (1xx, 204, 304).
inline bool status_forbids_body(int status) {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace tern
