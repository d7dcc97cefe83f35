#pragma once
// mod_headers' `Header` lines: one parsed line (HeaderOp) and httpd's do_headers_fixup,
// which applies a list of them to a response head. httpd keeps two field tables,
// headers_out (what the handler set) and err_headers_out (sent with every response, an
// error page's too); `Header onsuccess` edits the first, `Header always` the second.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/head_fixup.h"
#include "util/regex.h"

namespace tern {

// One piece of a value: text, or a format tag (%t, %D, %{VAR}e, %{VAR}s).
struct HeaderValuePart {
  enum class Kind : uint8_t { kText, kRequestTime, kDuration, kEnv, kSsl };
  Kind kind = Kind::kText;
  std::string text;  // the text, or the variable's name
};

// One `Header [always|onsuccess] action header [value] [replacement] [env=[!]var]` line.
struct HeaderOp {
  enum class Action : uint8_t {
    kSet,
    kSetIfEmpty,
    kAdd,
    kAppend,
    kMerge,
    kUnset,
    kEcho,
    kEdit,
    kEditAll
  };
  bool always = false;  // err_headers_out (every response) rather than headers_out
  Action action = Action::kSet;
  std::string name;                    // the field (echo: unused, see regex)
  std::vector<HeaderValuePart> value;  // the value; edit's replacement
  std::shared_ptr<const Regex> regex;  // edit's pattern; echo's field-name pattern
  std::string env;                     // env=[!]var: the variable; "" when none
  bool env_negated = false;            // env=!var
};

// Parses the arguments of a `Header` line into *op; "" or httpd's error text (tern's for
// what it refuses: `early`, `note`, `expr=`, %l/%i/%b).
std::string parse_header_op(std::span<const std::string_view> args, unsigned regex_options,
                            HeaderOp* op);

// A response's field block as httpd's table: (name, value) pairs in order.
using HeaderTable = std::vector<std::pair<std::string, std::string>>;

// Splits resp.fields ("Name: value\r\n"…) into a table, and joins one back.
HeaderTable parse_fields(std::string_view fields);
void append_fields(const HeaderTable& t, std::string* fields);

// httpd's ap_headers_output_filter (or, for an error page, ap_headers_error_filter):
// `always` ops edit a table that starts empty, or with a CGI script's own fields (httpd's
// err_headers_out, where ap_scan_script_header_err puts them), `onsuccess` ops the other
// fields unless resp.error_page; the result is that table followed by the other fields.
// Content-Type is one field whatever table an op names; echo adds to headers_out.
void apply_header_ops(std::span<const HeaderOp> always, std::span<const HeaderOp> onsuccess,
                      const HeadFixupContext& ctx, Response& resp);

}  // namespace tern
