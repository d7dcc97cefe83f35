#pragma once
// httpd's ap_expr as <If>, <ElseIf> use it — the subset tern evaluates: true/false, !, &&,
// ||, parentheses; string comparisons (== != < <= > >=), integer ones (-eq -ne -lt -le -gt
// -ge), =~ and !~ with /regex/ or m#regex# (flag i), `in {…}`, -ipmatch, -strmatch,
// -strcmatch, -fnmatch; unary -n -z -T -R -d -e -f -s -L -h; words made of 'strings',
// "strings" and %{VARIABLES} (interpolated inside strings too), numbers, `.` to join, and
// the functions req, http, env, tolower, toupper. Anything else is refused when the
// configuration is read, never evaluated as false.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/handler.h"
#include "http/request.h"

namespace tern {

// What an expression can see of a request.
struct ExprContext {
  const Request* req = nullptr;
  const RequestContext* ctx = nullptr;
  std::string_view filename;       // REQUEST_FILENAME
  std::string_view url_path;       // REQUEST_URI's path (decoded)
  std::string_view server_name;    // SERVER_NAME
  std::string_view document_root;  // DOCUMENT_ROOT
  std::string_view server_admin;   // SERVER_ADMIN
};

// One parsed expression. Immutable, thread-safe.
class IfExpr {
 public:
  struct Node;
  // Parses `text`; null with *error set (httpd's wording where it has one).
  static std::shared_ptr<const IfExpr> parse(std::string_view text, std::string* error);
  // Evaluates against a request.
  bool eval(const ExprContext& c) const;
  ~IfExpr();
  explicit IfExpr(std::unique_ptr<Node> root);

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace tern
