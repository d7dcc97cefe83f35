#pragma once
// Maps a raw request path to a file-system path that cannot leave DocumentRoot.

#include <string>
#include <string_view>

namespace tern {

// Decodes and normalises `raw_path` (percent-encoded, starting with '/') and writes
// `document_root + normalised path` to `fs_path` and the normalised, decoded path to
// `url_path` (both cleared first; their capacity is reused). Returns 0 on success, or:
// 400 for an invalid %xx escape, a raw NUL byte, a path not starting with '/', or a ".."
// above the root;
// 404 for an encoded slash (%2F, as httpd's AllowEncodedSlashes Off) or a NUL (%00).
// "." and ".." segments are resolved lexically, repeated slashes collapsed, a trailing
// slash kept; backslashes are ordinary characters. Symlinks are left to the kernel.
int resolve_path(std::string_view raw_path, std::string_view document_root, std::string& fs_path,
                 std::string& url_path);

// Appends `decoded_path` to `out` percent-encoding every byte that is not allowed
// unescaped in a URI path (as httpd's ap_escape_uri), for Location headers.
void append_escaped_path(std::string& out, std::string_view decoded_path);

}  // namespace tern
