#pragma once
// Escaping and number formatting shared by the access and error logs. All
// functions append to a caller-owned buffer and never allocate beyond its growth.

#include <cstdint>
#include <string>
#include <string_view>

namespace tern {

// Appends `s` escaped like httpd's ap_escape_logitem: `"` and `\` get a backslash,
// \b \n \r \t \v become C escapes, other control bytes and bytes >= 0x7f become \xhh.
void append_escaped_logitem(std::string& out, std::string_view s);

// Appends `s` with control bytes and bytes >= 0x7f escaped as above, but `"` and `\`
// kept as they are (error-log messages stay one line and printable).
void append_escaped_errorlog(std::string& out, std::string_view s);

// Appends the decimal form of `v`.
void append_uint(std::string& out, uint64_t v);

// Appends the decimal form of `v` (with '-' when negative).
void append_int(std::string& out, int64_t v);

// Appends `v` in decimal, left-padded with zeros to at least `width` digits.
void append_uint_padded(std::string& out, uint64_t v, int width);

}  // namespace tern
