#pragma once
// The text primitives mod_autoindex builds its listing from, as httpd and APR define
// them: wildcard matching, file sizes, path and HTML escaping, natural ordering.

#include <cstdint>
#include <string>
#include <string_view>

#include "handlers/error_page.h"

namespace tern::autoindex {

// httpd's ap_strcmp_match(str, pattern) == 0: `*` matches any run, `?` one byte;
// nothing else is special. `nocase`: ap_strcasecmp_match.
bool wildcard_match(std::string_view str, std::string_view pattern, bool nocase = false);

// httpd's ap_is_matchexp: true when `s` has a `*` or `?`.
bool is_matchexp(std::string_view s);

// APR's apr_strfsize: a size in at most 4 characters ("  5 ", "1.2K", " 12M", "  - ").
std::string format_size(int64_t size);

// httpd's ap_os_escape_path: `path` %-escaped (lower-case hex) outside of
// [A-Za-z0-9$-_.+!*'(),:;@&=/~]; unless `partial`, "./" first when a ':' precedes any '/'.
void append_os_escaped_path(std::string& out, std::string_view path, bool partial);

// httpd's ap_escape_html: <, >, & and " as entities (the error pages' own).
using ::tern::append_html_escaped;

// APR's apr_strnatcmp / apr_strnatcasecmp: a "natural" comparison, digit runs compared
// as numbers (leading zeros as fractions); <0, 0, >0.
int natural_compare(std::string_view a, std::string_view b, bool fold_case);

// strcmp / strcasecmp over bytes (as unsigned char); <0, 0, >0.
int byte_compare(std::string_view a, std::string_view b, bool fold_case);

}  // namespace tern::autoindex
