#pragma once
// The lexical layer of httpd-style configuration files: physical lines are joined
// at a trailing backslash, `#` comment lines and blank lines are dropped, and a
// directive's arguments are split into words honouring quotes.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tern::cfg {

// The longest logical line accepted (continuations joined, before and after ${VAR}
// substitution), as httpd's MAX_STRING_LEN.
inline constexpr size_t kMaxLineLength = 64 * 1024;

// One logical line: its first physical line number and its text, trimmed.
struct LogicalLine {
  int line = 0;
  std::string text;
};

// Splits a file's text into logical lines (continuations joined, comments and
// blank lines removed, CR before LF ignored). A NUL byte anywhere or a logical line
// longer than kMaxLineLength is an error: returns the message and sets `error_line`
// to the line it starts on; "" on success. Never copies more than kMaxLineLength
// bytes of one line.
std::string split_lines(std::string_view text, std::vector<LogicalLine>& out, int& error_line);

// One argument word; `quoted` is true if it was written in quotes.
struct Word {
  std::string text;
  bool quoted = false;
};

// Splits `s` on whitespace; "double" and 'single' quotes group words, and inside
// them a backslash escapes the quote character (other backslashes are kept, so
// regular expressions survive, as in httpd). Returns an error for an
// unterminated quote.
std::string split_words(std::string_view s, std::vector<Word>& out);

// Looks up a variable for ${NAME} substitution; null when undefined.
using VarLookup = std::function<const std::string*(std::string_view)>;

// Replaces every ${NAME} in `s` via `lookup`; an undefined name is an error
// "Variable 'NAME' is undefined". A `${` without `}` is kept literally. A result
// longer than kMaxLineLength is an error (detected before it is built).
std::string substitute_vars(std::string_view s, const VarLookup& lookup, std::string& out);

// `s` for quoting in a message: at most 64 bytes, then "...", control bytes as \xHH.
std::string shorten(std::string_view s);

}  // namespace tern::cfg
