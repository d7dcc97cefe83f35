#include "http/response.h"

#include <fcntl.h>

#include "http/response_task.h"

#include "http/request.h"

namespace tern {

void Response::add_header(std::string_view name, std::string_view value) {
  fields.append(name);
  fields.append(": ");
  fields.append(value);
  fields.append("\r\n");
}

namespace {
// Calls fn(line_begin, line_end, value) for each field line; stops when fn returns true.
template <typename Fn>
void for_each_field(const std::string& fields, Fn fn) {
  size_t pos = 0;
  while (pos < fields.size()) {
    size_t eol = fields.find("\r\n", pos);
    if (eol == std::string::npos) eol = fields.size();
    std::string_view line(fields.data() + pos, eol - pos);
    size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 2);
    if (fn(pos, eol + 2, name, value)) return;
    pos = eol + 2;
  }
}
}  // namespace

std::optional<std::string_view> Response::header(std::string_view name) const {
  std::optional<std::string_view> found;
  for_each_field(fields, [&](size_t, size_t, std::string_view n, std::string_view v) {
    if (iequals(n, name)) {
      found = v;
      return true;
    }
    return false;
  });
  return found;
}

void Response::remove_header(std::string_view name) {
  for (;;) {
    size_t begin = 0, end = 0;
    bool hit = false;
    for_each_field(fields, [&](size_t b, size_t e, std::string_view n, std::string_view) {
      if (iequals(n, name)) {
        begin = b;
        end = e;
        hit = true;
        return true;
      }
      return false;
    });
    if (!hit) return;
    fields.erase(begin, end - begin);
  }
}

void Response::append_body(std::string_view bytes) {
  if (bytes.empty()) return;
  if (!chunks.empty() && !chunks.back().from_file && !chunks.back().shared &&
      chunks.back().offset + chunks.back().length == body_mem.size()) {
    chunks.back().length += bytes.size();
  } else {
    chunks.push_back(BodyChunk{false, body_mem.size(), bytes.size()});
  }
  body_mem.append(bytes);
}

void Response::append_shared(std::shared_ptr<const std::string> bytes) {
  if (!bytes || bytes->empty()) return;
  const uint64_t n = bytes->size();
  shared_mem = std::move(bytes);
  chunks.push_back(BodyChunk{false, 0, n, true});
}

void Response::append_file_range(uint64_t offset, uint64_t length) {
  if (length == 0) return;
  chunks.push_back(BodyChunk{true, offset, length});
}

uint64_t Response::body_length() const {
  uint64_t n = 0;
  for (const auto& c : chunks) n += c.length;
  return n;
}

void Response::clear_body() {
  chunks.clear();
  body_mem.clear();
  file.reset();
  shared_file.reset();
  shared_mem.reset();
}

UniqueFd Response::take_file() {
  if (!shared_file) return std::move(file);
  UniqueFd own(::fcntl(shared_file->get(), F_DUPFD_CLOEXEC, 0));
  shared_file.reset();
  return own;
}

Response::Response() = default;
Response::~Response() = default;
Response::Response(Response&&) noexcept = default;
Response& Response::operator=(Response&&) noexcept = default;

void Response::clear() {
  clear_keep_env();
  env.clear();
  user.reset();
  auth_type.clear();
}

std::optional<std::string_view> Response::env_value(std::string_view name) const {
  for (const auto& [n, v] : env) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

void Response::set_env(std::string_view name, std::string_view value) {
  for (auto& [n, v] : env) {
    if (iequals(n, name)) {
      v.assign(value);
      return;
    }
  }
  env.emplace_back(std::string(name), std::string(value));
}

void Response::unset_env(std::string_view name) {
  std::erase_if(env, [&](const auto& e) { return iequals(e.first, name); });
}

void Response::clear_keep_env() {
  status = 200;
  reason.clear();
  task.reset();
  fields.clear();
  clear_body();
  close_connection = false;
  chunked = false;
  head_fixup.reset();
  error_page = false;
  script_fields = false;
  client_auth = false;
  client_auth_body = 0;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 203:
      return "Non-Authoritative Information";
    case 204:
      return "No Content";
    case 205:
      return "Reset Content";
    case 206:
      return "Partial Content";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "Request-URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Requested Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Entity";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace tern
