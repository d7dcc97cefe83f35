#pragma once
// The request and response fields mod_deflate reads, parsed exactly as httpd 2.4's
// deflate_out_filter does (ap_get_token), quirks included.

#include <string_view>

namespace tern {

// httpd's ap_get_token: skips leading white space, takes bytes up to ';', ',' (and white
// space unless `accept_white`), quoted strings whole; then skips white space after it.
std::string_view get_token(std::string_view& line, bool accept_white);

// True when the Accept-Encoding value `accepts` lets mod_deflate send gzip: a "gzip" token
// (any case) whose first parameter is not q=0 (q=0, q=0., q=0.0, … q=0.000). "x-gzip" and
// "*" do not count, as in httpd.
bool accepts_gzip(std::string_view accepts);

// True when the response's Content-Encoding value `encoding` lists only identity, 7bit,
// 8bit or binary (so the body is not encoded yet and may be compressed).
bool encoding_is_identity(std::string_view encoding);

}  // namespace tern
