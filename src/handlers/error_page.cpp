#include "handlers/error_page.h"

#include <charconv>

#include "handlers/server_header.h"
#include "handlers/static_file.h"

namespace tern {

namespace {

constexpr int kFirst = 300;
constexpr int kLast = 599;
constexpr std::string_view kHtmlType = "text/html; charset=iso-8859-1";
constexpr std::string_view kPageEnd = "</body></html>\n";

// The paragraph(s) httpd prints for `status`. '\x01' marks where the variable part
// (Location or method) goes.
std::string_view message(int status) {
  switch (status) {
    case 300:  // httpd: only the note "variant-list"
      return "\x01";
    case 301:
    case 302:
    case 307:
    case 308:
      return "<p>The document has moved <a href=\"\x01\">here</a>.</p>\n";
    case 303:
      return "<p>The answer to your request is located <a href=\"\x01\">here</a>.</p>\n";
    case 305:
      return "<p>This resource is only accessible through the proxy\n\x01<br />\nYou will need to "
             "configure your client to use that proxy.</p>\n";
    case 400:
      return "<p>Your browser sent a request that this server could not understand.<br />\n"
             "</p>\n";
    case 401:
      return "<p>This server could not verify that you\nare authorized to access the document\n"
             "requested.  Either you supplied the wrong\ncredentials (e.g., bad password), or "
             "your\nbrowser doesn't understand how to supply\nthe credentials required.</p>\n";
    case 403:
      return "<p>You don't have permission to access this resource.</p>\n";
    case 404:
      return "<p>The requested URL was not found on this server.</p>\n";
    case 405:
      return "<p>The requested method \x01 is not allowed for this URL.</p>\n";
    case 406:
      return "<p>An appropriate representation of the requested resource could not be found "
             "on this server.</p>\n\x01";
    case 408:
      return "<p>Server timeout waiting for the HTTP request from the client.</p>\n";
    case 410:
      return "<p>The requested resource is no longer available on this server and there is "
             "no forwarding address.\nPlease remove all references to this resource.</p>\n";
    case 411:
      return "<p>A request of the requested method \x01 requires a valid Content-length.<br />\n"
             "</p>\n";
    case 412:
      return "<p>The precondition on the request\nfor this URL evaluated to false.</p>\n";
    case 413:
      return "The requested resource does not allow request data with \x01 requests, or the "
             "amount of data provided in\nthe request exceeds the capacity limit.\n";
    case 414:
      return "<p>The requested URL's length exceeds the capacity\nlimit for this server.<br />\n"
             "</p>\n";
    case 415:
      return "<p>The supplied request data is not in a format\nacceptable for processing by "
             "this resource.</p>\n";
    case 416:
      return "<p>None of the range-specifier values in the Range\nrequest-header field overlap "
             "the current extent\nof the selected resource.</p>\n";
    case 417:
      return "<p>The expectation given in the Expect request-header\nfield could not be met by "
             "this server.</p>\n";
    case 431:
      return "<p>Your browser sent a request that this server could not understand.<br />\n"
             "Size of a request header field exceeds server limit.<br />\n</p>\n";
    case 500:
      return "<p>The server encountered an internal error or\nmisconfiguration and was unable "
             "to complete\nyour request.</p>\n<p>More information about this error may be "
             "available\nin the server error log.</p>\n";
    case 501:
      return "<p>\x01 not supported for current URL.<br />\n</p>\n";
    case 502:
      return "<p>The proxy server received an invalid\nresponse from an upstream server.<br "
             "/>\n</p>\n";
    case 503:
      return "<p>The server is temporarily unable to service your\nrequest due to maintenance "
             "downtime or capacity\nproblems. Please try again later.</p>\n";
    case 504:
      return "<p>The gateway did not receive a timely response\nfrom the upstream server or "
             "application.</p>\n";
    case 505:
      return "<p>The server does not support the HTTP protocol version used in the "
             "request.</p>\n";
    default:
      return {};
  }
}

std::string_view method_of(const Request* req, const ErrorExtras& extras) {
  if (!extras.method.empty()) return extras.method;
  if (req != nullptr) return req->method_name;
  return {};
}

// The variable part of `status`'s page into `out`: mod_negotiation's variant list (HTML
// already) for 300 and 406, else the Location (3xx) or the method, escaped.
void append_variable(std::string& out, int status, const Request* req, const ErrorExtras& extras) {
  if (status == 300 || status == 406) {
    out.append(extras.variant_list);
    return;
  }
  const bool is_redirect = status >= 300 && status < 400;
  append_html_escaped(out, is_redirect ? extras.location : method_of(req, extras));
}

}  // namespace

bool drops_connection(int status) {
  switch (status) {
    case 400:
    case 408:
    case 411:
    case 413:
    case 414:
    case 431:
    case 500:
    case 501:
    case 503:
      return true;
    default:
      return false;
  }
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      default:
        out.push_back(c);
    }
  }
}

ErrorPages::ErrorPages(const Config& config, const MimeTable* mime)
    : documents_(config.error_documents),
      document_root_(config.document_root),
      mime_(mime),
      signature_(config.server_signature),
      banner_(server_header_value(config.server_tokens)),
      admin_(config.server_admin),
      self_(SelfName::from_server_name(config.server_name)) {
  pages_.resize(kLast - kFirst + 1);
  for (int status = kFirst; status <= kLast; ++status) {
    std::string_view reason = reason_phrase(status);
    std::string_view msg = message(status);
    if (reason == "Unknown" && msg.empty()) continue;  // built on demand as 500 below
    std::string admin_msg;
    if (status == 500) {
      // httpd names the ServerAdmin in its 500 page (ap_send_error_response).
      admin_msg =
          "<p>The server encountered an internal error or\nmisconfiguration and was unable to "
          "complete\nyour request.</p>\n<p>Please contact the server administrator at \n ";
      append_html_escaped(admin_msg, admin_.empty() ? "[no address given]" : admin_);
      admin_msg +=
          " to inform them of the time this error occurred,\n and the actions you performed "
          "just before this error.</p>\n<p>More information about this error may be "
          "available\nin the server error log.</p>\n";
      msg = admin_msg;
    }
    std::string text =
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" "
        "\"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n<title>";
    char num[4];
    std::to_chars(num, num + 3, status);
    text.append(num, 3).append(" ").append(reason).append("</title>\n</head><body>\n<h1>");
    text.append(reason).append("</h1>\n").append(msg).append(kPageEnd);
    Page& p = pages_[static_cast<size_t>(status - kFirst)];
    size_t mark = text.find('\x01');
    if (mark == std::string::npos) {
      p.head = std::move(text);
    } else {
      p.variable = true;
      p.tail = text.substr(mark + 1);
      text.resize(mark);
      p.head = std::move(text);
    }
  }
}

const ErrorDocumentSpec* ErrorPages::server_document(int status) const {
  const ErrorDocumentSpec* doc = nullptr;
  for (const ErrorDocumentSpec& d : documents_) {
    if (d.status == status) doc = &d;  // the last one configured wins
  }
  return doc;
}

const ErrorPages::Page& ErrorPages::page(int status) const {
  if (status >= kFirst && status <= kLast) {
    const Page& p = pages_[static_cast<size_t>(status - kFirst)];
    if (!p.head.empty()) return p;
  }
  return pages_[500 - kFirst];
}

std::string_view ErrorPages::built_in_body(int status) const {
  return page(status).head;
}

void ErrorPages::render_built_in(int status, const Request* req, const ErrorExtras& extras,
                                 Response& resp) const {
  const Page& p = page(status);
  resp.add_header("Content-Type", kHtmlType);
  // httpd's add_optional_notes: a 400's "error-notes" go inside its paragraph.
  const bool noted = status == 400 && !extras.error_notes.empty();
  if (signature_ != ServerSignature::kOff || noted || extras.recursive_error != 0) {
    std::string body = p.head;
    if (p.variable) {
      append_variable(body, status, req, extras);
      body.append(p.tail);
    }
    if (size_t at = body.find("</p>\n"); noted && at != std::string::npos)
      body.insert(at, extras.error_notes);
    if (extras.recursive_error != 0) {
      // httpd's ap_send_error_response for an ErrorDocument whose own request failed.
      body.resize(body.size() - kPageEnd.size());
      char num[4];
      std::to_chars(num, num + 3, extras.recursive_error);
      body.append("<p>Additionally, a ").append(num, 3).append(" ");
      body.append(reason_phrase(extras.recursive_error));
      body.append(
          "\nerror was encountered while trying to use an ErrorDocument to handle the "
          "request.</p>\n");
      body.append(kPageEnd);
    }
    if (signature_ != ServerSignature::kOff) {
      // httpd's ap_send_error_response: ap_psignature("<hr>\n", r) before the page's end.
      body.resize(body.size() - kPageEnd.size());
      std::string name;
      uint16_t port = 0;
      self_.for_request(req, &name, &port);
      body.append(server_signature(signature_, "<hr>\n", banner_, admin_, name, port));
      body.append(kPageEnd);
    }
    resp.append_body(body);
    return;
  }
  resp.append_body(p.head);
  if (p.variable) {
    // Escaped into the body buffer directly (no temporary string).
    size_t before = resp.body_mem.size();
    append_variable(resp.body_mem, status, req, extras);
    resp.chunks.back().length += resp.body_mem.size() - before;
    resp.append_body(p.tail);
  }
}

void ErrorPages::render(int status, const Request* req, const ErrorExtras& extras,
                        Response& resp) const {
  resp.clear_keep_env();
  resp.status = status;
  resp.error_page = true;
  resp.close_connection = drops_connection(status);
  if (status >= 300 && status < 400 && !extras.location.empty())
    resp.add_header("Location", extras.location);
  if (status == 405 && !extras.allow.empty()) resp.add_header("Allow", extras.allow);
  resp.fields.append(extras.headers);
  if (!extras.www_authenticate.empty())
    resp.add_header("WWW-Authenticate", extras.www_authenticate);
  if (status == 416 && extras.entity_length >= 0) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), extras.entity_length);
    resp.fields.append("Content-Range: bytes */");
    resp.fields.append(buf, static_cast<size_t>(r.ptr - buf));
    resp.fields.append("\r\n");
  }
  if (status_forbids_body(status)) return;

  const ErrorDocumentSpec* doc = extras.document;
  if (doc == nullptr && status >= 400) doc = server_document(status);
  if (doc != nullptr) {
    switch (doc->kind) {
      case ErrorDocumentSpec::Kind::kLocalPath:
        if (mime_ != nullptr && serve_file_body(document_root_, doc->value, *mime_, resp)) return;
        break;  // fall back to the built-in page
      case ErrorDocumentSpec::Kind::kRedirect: {
        // httpd answers an external ErrorDocument with a redirect; the status is lost.
        ErrorExtras redirect;
        redirect.location = doc->value;
        render(302, req, redirect, resp);
        return;
      }
      case ErrorDocumentSpec::Kind::kText:
        resp.add_header("Content-Type", kHtmlType);
        resp.append_body(doc->value);
        return;
      case ErrorDocumentSpec::Kind::kDefault:
        break;  // the built-in page
    }
  }
  render_built_in(status, req, extras, resp);
}

}  // namespace tern
