#include "modules/rewrite/rewrite_engine.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

#include "config/config_values.h"
#include "http/server_url.h"
#include "log/error_log.h"
#include "modules/alias/redirect_map.h"

namespace tern {
namespace {

using Op = RewriteCondSpec::Op;

// httpd's parseargline flag list "[a,b=c,…]": each flag to `set`; "" or the error.
template <class Set>
std::string parse_flags(std::string_view text, Set set) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return "bad flag delimiters";
  text = text.substr(1, text.size() - 2);
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view flag = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    while (!flag.empty() && (flag.front() == ' ' || flag.front() == '\t')) flag.remove_prefix(1);
    while (!flag.empty() && (flag.back() == ' ' || flag.back() == '\t')) flag.remove_suffix(1);
    if (flag.empty()) continue;
    const size_t eq = flag.find('=');
    const std::string_view key = flag.substr(0, eq);
    const std::optional<std::string_view> val =
        eq == std::string_view::npos ? std::nullopt : std::optional(flag.substr(eq + 1));
    std::string err = set(key, val);
    if (!err.empty()) return err;
  }
  return "";
}

bool any_of(std::string_view key, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (iequals(key, n)) return true;
  }
  return false;
}

// What tern's rules cannot expand yet: RewriteMap lookups and mod_ssl's variables.
std::string check_expandable(std::string_view s) {
  if (s.find("${") != std::string_view::npos) {
    return "RewriteMap lookups (${map:key}) are not supported by tern";
  }
  for (std::string_view refused : {"%{SSL:", "%{LA-U:", "%{LA-F:"}) {
    if (s.find(refused) != std::string_view::npos) {
      return std::string(refused.substr(2)) + "… variables are not supported by tern's mod_rewrite";
    }
  }
  return "";
}

std::string compile(std::string_view pattern, unsigned options, bool icase,
                    std::shared_ptr<const Regex>* out, std::string_view who) {
  RegexError e;
  auto re = Regex::compile(pattern, options | (icase ? kRegexIcase : 0u), &e);
  if (!re) {
    (void)who;
    return "cannot compile regular expression '" + std::string(pattern) + "'";
  }
  *out = std::make_shared<const Regex>(std::move(*re));
  return "";
}

// The captures a substitution's $N and %N refer to.
struct Backrefs {
  std::string_view subject;
  RegexCapture caps[10];
  bool set = false;
};

class Expander {
 public:
  explicit Expander(const RewriteRequest& r) : r_(r) {}

  // httpd's do_expand: \c, $N, %N and %{VAR}. With `unsafe_qmark`, tells whether the
  // first '?' of the result came from an expansion (1) or the text itself (0; -1: none).
  std::string expand(std::string_view in, const Backrefs& rule, const Backrefs& cond,
                     int* unsafe_qmark = nullptr) const {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
      const char c = in[i];
      const size_t before = out.size();
      const auto note_expansion = [&] {
        if (unsafe_qmark != nullptr && *unsafe_qmark < 0 &&
            out.find('?', before) != std::string::npos) {
          *unsafe_qmark = 1;
        }
      };
      if (c == '?' && unsafe_qmark != nullptr && *unsafe_qmark < 0) *unsafe_qmark = 0;
      if (c == '\\' && i + 1 < in.size()) {
        out.push_back(in[++i]);
      } else if ((c == '$' || c == '%') && i + 1 < in.size() && in[i + 1] >= '0' &&
                 in[i + 1] <= '9') {
        const Backrefs& b = c == '$' ? rule : cond;
        const auto n = static_cast<size_t>(in[++i] - '0');
        if (b.set) out.append(b.caps[n].in(b.subject));
        note_expansion();
      } else if (c == '%' && i + 1 < in.size() && in[i + 1] == '{') {
        const size_t close = in.find('}', i + 2);
        if (close == std::string_view::npos) {
          out.append(in.substr(i));
          break;
        }
        out.append(variable(in.substr(i + 2, close - i - 2)));
        note_expansion();
        i = close;
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

 private:
  std::string header(std::string_view name) const {
    auto v = r_.req->header(name);
    return v ? std::string(*v) : std::string();
  }

  // httpd's lookup_variable for the names tern knows; any other is "".
  std::string variable(std::string_view name) const {
    const Request& req = *r_.req;
    const RequestContext& ctx = *r_.ctx;
    if (name.size() > 5 && iequals(name.substr(0, 5), "HTTP:")) return header(name.substr(5));
    if (name.size() > 4 && iequals(name.substr(0, 4), "ENV:")) {
      const std::string var(name.substr(4));
      if (r_.resp != nullptr) {
        if (auto v = r_.resp->env_value(var)) return std::string(*v);
      }
      const char* e = std::getenv(var.c_str());
      return e ? e : "";
    }
    // httpd upper-cases the name: any case matches.
    const auto is = [&](std::string_view var) { return iequals(name, var); };
    static constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
        {"HTTP_HOST", "Host"},
        {"HTTP_USER_AGENT", "User-Agent"},
        {"HTTP_REFERER", "Referer"},
        {"HTTP_COOKIE", "Cookie"},
        {"HTTP_FORWARDED", "Forwarded"},
        {"HTTP_ACCEPT", "Accept"},
        {"HTTP_PROXY_CONNECTION", "Proxy-Connection"},
    };
    for (const auto& [var, field] : kHeaders) {
      if (is(var)) return header(field);
    }
    if (is("SERVER_NAME") || is("SERVER_PORT")) {
      std::string host;
      uint16_t port = 0;
      request_server_name_port(req, ctx, r_.server_name, r_.server_name_port, &host, &port);
      return is("SERVER_NAME") ? host : std::to_string(port);
    }
    if (is("HTTPS")) return ctx.scheme == "https" ? "on" : "off";
    if (is("REQUEST_SCHEME")) return std::string(ctx.scheme);
    if (is("REQUEST_URI")) return std::string(r_.url_path);
    if (is("QUERY_STRING")) return std::string(req.query);
    if (is("THE_REQUEST")) return std::string(req.request_line);
    if (is("REQUEST_METHOD")) return std::string(req.method_name);
    if (is("REMOTE_ADDR") || is("REMOTE_HOST")) return std::string(ctx.client_ip);
    if (is("REMOTE_PORT")) return std::to_string(ctx.client_port);
    if (is("SERVER_ADDR")) return std::string(ctx.local_ip);
    if (is("SERVER_PROTOCOL")) {
      return "HTTP/" + std::to_string(req.version_major) + "." + std::to_string(req.version_minor);
    }
    if (is("DOCUMENT_ROOT")) return std::string(r_.document_root);
    if (is("SERVER_ADMIN")) return std::string(r_.server_admin);
    return "";
  }

  const RewriteRequest& r_;
};

int compare_text(std::string_view a, std::string_view b, bool nocase) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (nocase) {
      if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    }
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

// httpd's apply_rewrite_cond; a matched regex condition sets `cond` (its captures).
bool cond_holds(const RewriteCondSpec& c, const Expander& x, const Backrefs& rule, Backrefs& cond,
                std::string& storage) {
  std::string input = x.expand(c.test, rule, cond);
  bool rc = false;
  switch (c.op) {
    case Op::kRegex: {
      Backrefs b;
      storage = std::move(input);
      b.subject = storage;
      rc = c.regex->match(storage, b.caps) == RegexResult::kMatch;
      if (rc && !c.negate) {
        b.set = true;
        cond = b;
      }
      break;
    }
    case Op::kEqual:
      rc = compare_text(input, c.operand, c.nocase) == 0;
      break;
    case Op::kLess:
      rc = compare_text(input, c.operand, c.nocase) < 0;
      break;
    case Op::kGreater:
      rc = compare_text(input, c.operand, c.nocase) > 0;
      break;
    case Op::kLessEq:
      rc = compare_text(input, c.operand, c.nocase) <= 0;
      break;
    case Op::kGreaterEq:
      rc = compare_text(input, c.operand, c.nocase) >= 0;
      break;
    default: {
      const long long a = std::atoll(input.c_str());
      const long long b = std::atoll(c.operand.c_str());
      rc = c.op == Op::kIntEq   ? a == b
           : c.op == Op::kIntNe ? a != b
           : c.op == Op::kIntLt ? a < b
           : c.op == Op::kIntLe ? a <= b
           : c.op == Op::kIntGt ? a > b
                                : a >= b;
    }
  }
  return c.negate ? !rc : rc;
}

// The length of the scheme part of `s` ("https://", "mailto:") when it is an absolute URI
// by httpd's is_absolute_uri (its list of schemes), else 0.
size_t absolute_prefix(std::string_view s) {
  static constexpr std::string_view kSchemes[] = {
      "ajp://",  "balancer://", "fcgi://",  "ftp://",  "gopher://", "h2://",
      "h2c://",  "http://",     "https://", "ldap://", "mailto:",   "news:",
      "nntp://", "scgi://",     "uwsgi://", "ws://",   "wss://"};
  for (std::string_view scheme : kSchemes) {
    if (s.size() > scheme.size() && iequals(s.substr(0, scheme.size()), scheme)) {
      return scheme.size();
    }
  }
  return 0;
}

// httpd's escape_absolute_uri: after the scheme and host (after the scheme alone when it
// has no authority), what ap_escape_uri escapes.
std::string escape_absolute(const std::string& url, size_t scheme) {
  if (scheme == 0) return url;
  size_t from = scheme;
  if (url[scheme - 1] == '/') {
    from = url.find('/', scheme);
    if (from == std::string::npos || from + 1 >= url.size()) return url;
    ++from;
  }
  std::string out = url.substr(0, from);
  append_os_escaped_path(out, std::string_view(url).substr(from));
  return out;
}

}  // namespace

RewriteResult apply_rewrite_rules(std::span<const RewriteRuleSpec> rules, const RewriteRequest& r) {
  const Expander x(r);
  // httpd's r->filename (what each rule's pattern sees: the URL-path, then a redirect's
  // qualified URL), r->args and r->status as the walk changes them.
  std::string_view uri = r.url_path;
  std::string redirected;  // owns `uri` once a rule redirected
  std::optional<std::string> args;
  if (r.req->has_query) args = std::string(r.req->query);
  int redirect = 0;
  bool noescape = false;
  for (const RewriteRuleSpec& rule : rules) {
    Backrefs rb;
    rb.subject = uri;
    const bool matched = rule.pattern->match(uri, rb.caps) == RegexResult::kMatch;
    if (matched == rule.negate) continue;
    rb.set = !rule.negate;
    Backrefs cb;
    std::string storage;
    bool ok = true;
    for (size_t i = 0; i < rule.conds.size(); ++i) {
      const RewriteCondSpec& c = rule.conds[i];
      const bool holds = cond_holds(c, x, rb, cb, storage);
      if (c.or_next) {
        if (!holds) continue;
        while (i < rule.conds.size() && rule.conds[i].or_next) ++i;  // skip the rest of the chain
      } else if (!holds) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (rule.status != 0 && (rule.status < 300 || rule.status > 399)) return {rule.status, {}};
    if (rule.substitution != "-") {
      int unsafe_qmark = -1;
      std::string target = x.expand(rule.substitution, rb, cb, &unsafe_qmark);
      if (unsafe_qmark > 0) {
        // httpd 2.4.60's fix for CVE-2024-38474: a '?' that an expansion brought in.
        if (ErrorLog::enabled(LogLevel::kError)) {
          const std::string ip(r.ctx->client_ip);
          ErrorLog::printf(LogLevel::kError, "rewrite",
                           "[client %s:%u] AH10508: Unsafe URL with %%3f URL rewritten without "
                           "UnsafeAllow3F",
                           ip.c_str(), r.ctx->client_port);
        }
        return {403, {}};
      }
      // httpd's splitout_queryargs.
      if (const size_t q = target.find('?'); q != std::string::npos) {
        std::string query = target.substr(q + 1);
        target.resize(q);
        if (rule.qsappend && args && !rule.qsdiscard) {
          if (!query.empty()) args = query + "&" + *args;
        } else if (query.empty()) {
          args.reset();
        } else {
          args = std::move(query);
        }
      } else if (rule.qsdiscard) {
        args.reset();
      }
      // fully_qualify_uri.
      if (absolute_prefix(target) == 0) {
        std::string host;
        uint16_t port = 0;
        request_server_name_port(*r.req, *r.ctx, r.server_name, r.server_name_port, &host, &port);
        const bool https = r.ctx->scheme == "https";
        std::string url = std::string(r.ctx->scheme) + "://" + host;
        if (port != (https ? 443 : 80)) url += ":" + std::to_string(port);
        if (target.empty() || target.front() != '/') url.push_back('/');
        target = url + target;
      }
      redirected = std::move(target);
      uri = redirected;
      redirect = rule.status;
      noescape = rule.noescape;
    }
    if (rule.last) break;
  }
  if (redirect == 0) return {};
  // hook_uri2file: escaped unless [NE] (escape_absolute_uri), the query appended (escaped
  // only when a rule changed it).
  // `redirected` is qualified, so absolute.
  std::string location =
      noescape ? redirected : escape_absolute(redirected, absolute_prefix(redirected));
  if (args) {
    location += '?';
    if (noescape || (r.req->has_query && *args == r.req->query)) {
      location += *args;
    } else {
      append_os_escaped_path(location, *args);
    }
  }
  return {redirect, std::move(location)};
}

std::string parse_rewrite_cond(std::span<const std::string_view> args, unsigned regex_options,
                               RewriteCondSpec* out) {
  if (args.size() < 2 || args.size() > 3) {
    return "bad argument line '" + std::string(args.empty() ? "" : args[0]) + "'";
  }
  if (args.size() == 3) {
    std::string err = parse_flags(args[2], [&](std::string_view key, auto) -> std::string {
      if (any_of(key, {"nocase", "NC"})) {
        out->nocase = true;
      } else if (any_of(key, {"ornext", "OR"})) {
        out->or_next = true;
      } else if (!any_of(key, {"novary", "NV"})) {
        return "unknown flag '" + std::string(key) + "'";
      }
      return "";
    });
    if (!err.empty()) return err;
  }
  if (std::string err = check_expandable(args[0]); !err.empty()) return err;
  if (args[0].substr(0, 5) == "expr=" || args[0] == "expr") {
    return "ap_expr conditions (expr) are not supported by tern";
  }
  out->test = std::string(args[0]);
  std::string_view pattern = args[1];
  if (!pattern.empty() && pattern.front() == '!') {
    out->negate = true;
    pattern.remove_prefix(1);
  }
  static constexpr std::pair<std::string_view, Op> kOps[] = {
      {"<=", Op::kLessEq}, {">=", Op::kGreaterEq}, {"=", Op::kEqual},   {"<", Op::kLess},
      {">", Op::kGreater}, {"-eq", Op::kIntEq},    {"-ne", Op::kIntNe}, {"-lt", Op::kIntLt},
      {"-le", Op::kIntLe}, {"-gt", Op::kIntGt},    {"-ge", Op::kIntGe},
  };
  for (const auto& [prefix, op] : kOps) {
    if (pattern.substr(0, prefix.size()) == prefix) {
      out->op = op;
      std::string_view operand = pattern.substr(prefix.size());
      if (operand == "\"\"") operand = {};  // =\"\" compares with the empty string
      out->operand = std::string(operand);
      return "";
    }
  }
  for (std::string_view test : {"-d", "-f", "-s", "-l", "-L", "-h", "-F", "-U", "-x"}) {
    if (pattern == test) {
      return "the file test " + std::string(test) + " is not supported by tern's mod_rewrite yet";
    }
  }
  return compile(pattern, regex_options, out->nocase, &out->regex, "RewriteCond");
}

std::string parse_rewrite_rule(std::span<const std::string_view> args, unsigned regex_options,
                               RewriteRuleSpec* out) {
  if (args.size() < 2 || args.size() > 3) {
    return "bad argument line '" + std::string(args.empty() ? "" : args[0]) + "'";
  }
  bool nocase = false;
  if (args.size() == 3) {
    std::string err = parse_flags(
        args[2], [&](std::string_view key, std::optional<std::string_view> val) -> std::string {
          if (any_of(key, {"R", "redirect"})) {
            out->status = 302;
            if (!val) return "";
            if (iequals(*val, "permanent")) {
              out->status = 301;
            } else if (iequals(*val, "temp")) {
              out->status = 302;
            } else if (iequals(*val, "seeother")) {
              out->status = 303;
            } else {
              int s = 0;
              auto [end, ec] = std::from_chars(val->data(), val->data() + val->size(), s);
              if (ec != std::errc() || end != val->data() + val->size() || s < 300 || s > 599) {
                return "invalid HTTP response code '" + std::string(*val) + "' for flag 'R'";
              }
              out->status = s;
            }
          } else if (any_of(key, {"L", "last", "END"})) {
            out->last = true;
          } else if (any_of(key, {"NE", "noescape"})) {
            out->noescape = true;
          } else if (any_of(key, {"NC", "nocase"})) {
            nocase = true;
          } else if (any_of(key, {"QSA", "qsappend"})) {
            out->qsappend = true;
          } else if (any_of(key, {"QSD", "qsdiscard"})) {
            out->qsdiscard = true;
          } else if (any_of(key, {"F", "forbidden"})) {
            out->status = 403;
          } else if (any_of(key, {"G", "gone"})) {
            out->status = 410;
          } else if (any_of(key, {"B",
                                  "BNP",
                                  "BCTLS",
                                  "BNE",
                                  "C",
                                  "chain",
                                  "CO",
                                  "cookie",
                                  "DPI",
                                  "discardpath",
                                  "E",
                                  "env",
                                  "H",
                                  "handler",
                                  "N",
                                  "next",
                                  "NS",
                                  "nosubreq",
                                  "P",
                                  "proxy",
                                  "PT",
                                  "passthrough",
                                  "S",
                                  "skip",
                                  "T",
                                  "type",
                                  "QSL",
                                  "qslast",
                                  "UnsafeAllow3F",
                                  "UnsafePrefixStat"})) {
            return "the flag '" + std::string(key) + "' is not supported by tern's mod_rewrite yet";
          } else {
            return "unknown flag '" + std::string(key) + "'";
          }
          return "";
        });
    if (!err.empty()) return err;
  }
  if (std::string err = check_expandable(args[1]); !err.empty()) return err;
  std::string_view pattern = args[0];
  if (!pattern.empty() && pattern.front() == '!') {
    out->negate = true;
    pattern.remove_prefix(1);
  }
  out->substitution = std::string(args[1]);
  if (out->status == 0 && out->substitution != "-") {
    return "tern's mod_rewrite does redirects ([R]), [F], [G] and '-' only; "
           "rewriting '" +
           out->substitution + "' internally (or to a proxy) is not supported yet";
  }
  return compile(pattern, regex_options, nocase, &out->pattern, "RewriteRule");
}

}  // namespace tern
