#pragma once
// mod_alias's external redirects: Redirect, RedirectMatch, RedirectTemp and
// RedirectPermanent checked in configuration order, the first match wins (httpd's
// try_alias_list with is_redir), and the Location it answers with.

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "http/handler.h"
#include "http/request.h"

namespace tern {

// httpd's status keywords of Redirect*: permanent 301, temp 302, seeother 303, gone 410,
// or a number (read as atoi does). False when `word` is none of them (then a URL-path).
bool redirect_status_word(std::string_view word, int* status);

// httpd's ap_is_url: a scheme (alphanumerics, '+', '-', '.') followed by ':'.
bool is_absolute_url(std::string_view text);

// Appends `text` to `out` with every byte httpd's ap_os_escape_path escapes as %xx
// (lower-case hex, as httpd's c2x).
void append_os_escaped_path(std::string& out, std::string_view text);

// The first redirect of `redirects` that applies to the decoded `url_path` of `req`:
// 0 when none does; else the status, with `*location` the absolute URL for a 3xx (the
// rest of the path escaped for a prefix, the query appended when the target has none,
// an abs_path target completed with the request's host and port or `server_name`).
// 500 when a regex cannot be evaluated or the result is no URL (logged as httpd).
// `location`'s capacity is reused.
int map_redirect(const std::vector<RedirectSpec>& redirects, const Request& req,
                 const RequestContext& ctx, std::string_view url_path, std::string_view server_name,
                 std::string* location);

}  // namespace tern
