#include "modules/if_expr.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "config/config_values.h"
#include "http/ssl_var.h"
#include "util/regex.h"

namespace tern {

namespace {

// One piece of a word: literal text, a %{VARIABLE}, or a function of a word.
struct Part;
using Word = std::vector<Part>;
struct Part {
  enum class Kind { kText, kVar, kFunc } kind = Kind::kText;
  std::string text;           // the literal, the variable name or the function name
  std::shared_ptr<Word> arg;  // kFunc
};

// The variables tern knows (httpd's request_var_names, those it can answer).
constexpr std::string_view kVars[] = {"HTTP_ACCEPT",
                                      "HTTP_COOKIE",
                                      "HTTP_FORWARDED",
                                      "HTTP_HOST",
                                      "HTTP_PROXY_CONNECTION",
                                      "HTTP_REFERER",
                                      "HTTP_USER_AGENT",
                                      "REQUEST_METHOD",
                                      "REQUEST_SCHEME",
                                      "REQUEST_URI",
                                      "DOCUMENT_URI",
                                      "REQUEST_FILENAME",
                                      "SCRIPT_FILENAME",
                                      "QUERY_STRING",
                                      "THE_REQUEST",
                                      "SERVER_NAME",
                                      "SERVER_PORT",
                                      "SERVER_ADMIN",
                                      "SERVER_PROTOCOL",
                                      "DOCUMENT_ROOT",
                                      "HTTPS",
                                      "IPV6",
                                      "REMOTE_ADDR",
                                      "REMOTE_PORT",
                                      "SERVER_ADDR",
                                      "IS_SUBREQ",
                                      "REQUEST_STATUS",
                                      "SERVER_SOFTWARE",
                                      "API_VERSION"};

constexpr std::string_view kFuncs[] = {"req", "http", "env", "tolower", "toupper", "reqenv"};

}  // namespace

struct IfExpr::Node {
  enum class Kind {
    kTrue,
    kFalse,
    kNot,
    kAnd,
    kOr,
    kStr,     // op: == != < <= > >=
    kInt,     // op: -eq -ne -lt -le -gt -ge
    kRegex,   // =~ (negate: !~)
    kIn,      // word in {list}
    kBinary,  // -ipmatch -strmatch -strcmatch -fnmatch
    kUnary,   // -n -z -T -R -d -e -f -s -L -h
  } kind = Kind::kTrue;
  std::string op;
  bool negate = false;
  std::unique_ptr<Node> a, b;
  Word left, right;
  std::vector<Word> list;
  std::shared_ptr<const Regex> regex;
};

namespace {

using Node = IfExpr::Node;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::unique_ptr<Node> parse(std::string* error) {
    auto n = parse_or();
    skip_ws();
    if (n && pos_ != s_.size()) fail("syntax error at '" + std::string(s_.substr(pos_, 20)) + "'");
    if (!error_.empty()) {
      *error = error_;
      return nullptr;
    }
    return n;
  }

 private:
  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }
  void skip_ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip_ws();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    pos_ += tok.size();
    return true;
  }
  // An -operator name ("-eq", "-f") without consuming it.
  std::string peek_dash_op() {
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != '-') return "";
    size_t e = pos_ + 1;
    while (e < s_.size() && std::isalpha(static_cast<unsigned char>(s_[e]))) ++e;
    if (e == pos_ + 1) return "";
    return std::string(s_.substr(pos_, e - pos_));
  }

  std::unique_ptr<Node> parse_or() {
    auto left = parse_and();
    while (left && eat("||")) {
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kOr;
      n->a = std::move(left);
      n->b = parse_and();
      if (!n->b) return nullptr;
      left = std::move(n);
    }
    return left;
  }
  std::unique_ptr<Node> parse_and() {
    auto left = parse_not();
    while (left && eat("&&")) {
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kAnd;
      n->a = std::move(left);
      n->b = parse_not();
      if (!n->b) return nullptr;
      left = std::move(n);
    }
    return left;
  }
  std::unique_ptr<Node> parse_not() {
    skip_ws();
    if (s_.substr(pos_, 2) != "!=" && s_.substr(pos_, 2) != "!~" && eat("!")) {
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kNot;
      n->a = parse_not();
      if (!n->a) return nullptr;
      return n;
    }
    return parse_primary();
  }
  std::unique_ptr<Node> parse_primary() {
    skip_ws();
    if (eat("(")) {
      auto n = parse_or();
      if (!n) return nullptr;
      if (!eat(")")) {
        fail("missing ')'");
        return nullptr;
      }
      return n;
    }
    if (keyword("true") || keyword("false")) {
      auto n = std::make_unique<Node>();
      n->kind = s_[pos_ - 1] == 'e' && s_.substr(pos_ - 4, 4) == "true" ? Node::Kind::kTrue
                                                                        : Node::Kind::kFalse;
      return n;
    }
    const std::string unary = peek_dash_op();
    if (!unary.empty()) {
      static constexpr std::string_view kUnary[] = {"-n", "-z", "-T", "-R", "-d",
                                                    "-e", "-f", "-s", "-L", "-h"};
      bool known = false;
      for (std::string_view u : kUnary) known = known || u == unary;
      if (!known) {
        fail("unary operator '" + unary + "' is not supported by tern in <If>");
        return nullptr;
      }
      pos_ += unary.size();
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kUnary;
      n->op = unary;
      if (!parse_word(&n->left)) return nullptr;
      return n;
    }
    auto n = std::make_unique<Node>();
    if (!parse_word(&n->left)) return nullptr;
    skip_ws();
    static constexpr std::string_view kStrOps[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (std::string_view op : kStrOps) {
      if (s_.substr(pos_, 2) == "=~" || s_.substr(pos_, 2) == "!~") break;
      if (eat(op)) {
        n->kind = Node::Kind::kStr;
        n->op = std::string(op);
        if (!parse_word(&n->right)) return nullptr;
        return n;
      }
    }
    if (eat("=~") || eat("!~")) {
      n->kind = Node::Kind::kRegex;
      n->negate = s_[pos_ - 2] == '!';
      if (!parse_regex(n.get())) return nullptr;
      return n;
    }
    if (keyword("in")) {
      n->kind = Node::Kind::kIn;
      if (!eat("{")) {
        fail("'in' needs a {list}");
        return nullptr;
      }
      do {
        Word w;
        if (!parse_word(&w)) return nullptr;
        n->list.push_back(std::move(w));
      } while (eat(","));
      if (!eat("}")) {
        fail("missing '}'");
        return nullptr;
      }
      return n;
    }
    const std::string binary = peek_dash_op();
    static constexpr std::string_view kInt[] = {"-eq", "-ne", "-lt", "-le", "-gt", "-ge"};
    static constexpr std::string_view kBin[] = {"-ipmatch", "-strmatch", "-strcmatch", "-fnmatch"};
    for (std::string_view op : kInt) {
      if (binary == op) n->kind = Node::Kind::kInt;
    }
    for (std::string_view op : kBin) {
      if (binary == op) n->kind = Node::Kind::kBinary;
    }
    if (binary.empty() || (n->kind != Node::Kind::kInt && n->kind != Node::Kind::kBinary)) {
      fail(binary.empty() ? "syntax error: a comparison is missing"
                          : "binary operator '" + binary + "' is not supported by tern in <If>");
      return nullptr;
    }
    pos_ += binary.size();
    n->op = binary;
    if (!parse_word(&n->right)) return nullptr;
    return n;
  }
  bool keyword(std::string_view k) {
    skip_ws();
    if (s_.substr(pos_, k.size()) != k) return false;
    const size_t e = pos_ + k.size();
    if (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_'))
      return false;
    pos_ = e;
    return true;
  }
  bool parse_regex(Node* n) {
    skip_ws();
    char close = 0;
    if (pos_ < s_.size() && s_[pos_] == '/') {
      close = '/';
      ++pos_;
    } else if (pos_ + 1 < s_.size() && s_[pos_] == 'm' &&
               !std::isalnum(static_cast<unsigned char>(s_[pos_ + 1])) &&
               !std::isspace(static_cast<unsigned char>(s_[pos_ + 1]))) {
      close = s_[pos_ + 1];
      pos_ += 2;
    } else {
      fail("a regular expression (/…/ or m#…#) must follow =~ or !~");
      return false;
    }
    size_t end = pos_;
    while (end < s_.size() && s_[end] != close) end += s_[end] == '\\' ? 2 : 1;
    if (end >= s_.size()) {
      fail("unterminated regular expression");
      return false;
    }
    const std::string pattern(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    unsigned options = kRegexDefaultOptions;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) {
      if (s_[pos_] == 'i') {
        options |= kRegexIcase;
      } else {
        fail(std::string("regular expression flag '") + s_[pos_] + "' is not supported by tern");
        return false;
      }
      ++pos_;
    }
    RegexError e;
    auto re = Regex::compile(pattern, options, &e);
    if (!re) {
      fail("invalid regular expression '" + pattern + "': " + e.message);
      return false;
    }
    n->regex = std::make_shared<const Regex>(std::move(*re));
    return true;
  }
  // A word: terms joined by '.'.
  bool parse_word(Word* w) {
    do {
      if (!parse_term(w)) return false;
    } while (eat("."));
    return true;
  }
  bool parse_var(Word* w) {
    const size_t end = s_.find('}', pos_);
    if (end == std::string_view::npos) {
      fail("missing '}' after '%{'");
      return false;
    }
    std::string name(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    bool known = false;
    for (std::string_view v : kVars) known = known || v == name;
    // mod_ssl's variables (its expr_lookup hook answers every SSL_* name).
    if (name.starts_with("SSL_")) known = true;
    if (!known) {
      // httpd's words for a name ap_expr lacks; a name it has but tern not, tern's.
      static constexpr std::string_view kHttpdOnly[] = {"PATH_INFO",
                                                        "AUTH_TYPE",
                                                        "REMOTE_USER",
                                                        "REMOTE_HOST",
                                                        "REMOTE_IDENT",
                                                        "CONTENT_TYPE",
                                                        "HANDLER",
                                                        "HTTP2",
                                                        "LAST_MODIFIED",
                                                        "SCRIPT_USER",
                                                        "SCRIPT_GROUP",
                                                        "CONTEXT_PREFIX",
                                                        "CONTEXT_DOCUMENT_ROOT",
                                                        "TIME",
                                                        "TIME_YEAR",
                                                        "TIME_MON",
                                                        "TIME_DAY",
                                                        "TIME_HOUR",
                                                        "TIME_MIN",
                                                        "TIME_SEC",
                                                        "TIME_WDAY",
                                                        "REQUEST_LOG_ID",
                                                        "CONN_LOG_ID",
                                                        "CONN_REMOTE_ADDR",
                                                        "SERVER_PROTOCOL_VERSION"};
      bool httpd_has = false;
      for (std::string_view v : kHttpdOnly) httpd_has = httpd_has || v == name;
      fail(httpd_has ? "variable '%{" + name + "}' is not supported by tern in <If>"
                     : "Variable '" + name + "' does not exist");
      return false;
    }
    w->push_back({Part::Kind::kVar, std::move(name), nullptr});
    return true;
  }
  bool parse_term(Word* w) {
    skip_ws();
    if (pos_ >= s_.size()) {
      fail("syntax error: a word is missing at the end");
      return false;
    }
    const char c = s_[pos_];
    if (c == '\'' || c == '"') {
      ++pos_;
      std::string text;
      while (pos_ < s_.size() && s_[pos_] != c) {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
          text += s_[pos_ + 1];
          pos_ += 2;
        } else if (s_.substr(pos_, 2) == "%{") {
          if (!text.empty()) w->push_back({Part::Kind::kText, std::move(text), nullptr});
          text.clear();
          pos_ += 2;
          if (!parse_var(w)) return false;
        } else {
          text += s_[pos_++];
        }
      }
      if (pos_ >= s_.size()) {
        fail("unterminated string");
        return false;
      }
      ++pos_;
      w->push_back({Part::Kind::kText, std::move(text), nullptr});
      return true;
    }
    if (s_.substr(pos_, 2) == "%{") {
      pos_ += 2;
      return parse_var(w);
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t e = pos_;
      while (e < s_.size() && std::isdigit(static_cast<unsigned char>(s_[e]))) ++e;
      w->push_back({Part::Kind::kText, std::string(s_.substr(pos_, e - pos_)), nullptr});
      pos_ = e;
      return true;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t e = pos_;
      while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_'))
        ++e;
      std::string name(s_.substr(pos_, e - pos_));
      bool known = false;
      for (std::string_view f : kFuncs) known = known || f == name;
      pos_ = e;
      if (!known || !eat("(")) {
        fail("'" + name + "' is not a function tern supports in <If>");
        return false;
      }
      auto arg = std::make_shared<Word>();
      if (!parse_word(arg.get())) return false;
      if (!eat(")")) {
        fail("missing ')' after the argument of " + name + "()");
        return false;
      }
      w->push_back({Part::Kind::kFunc, std::move(name), std::move(arg)});
      return true;
    }
    fail("syntax error at '" + std::string(s_.substr(pos_, 20)) + "'");
    return false;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

// The value of request header `name` ("" when absent).
std::string header(const ExprContext& c, std::string_view name) {
  if (c.req == nullptr) return "";
  auto v = c.req->header(name);
  return v ? std::string(*v) : std::string();
}

std::string variable(const ExprContext& c, const std::string& name) {
  if (name.starts_with("HTTP_") && name != "HTTP_PROXY_CONNECTION") {
    std::string h = name.substr(5);
    for (char& ch : h) ch = ch == '_' ? '-' : ch;
    return header(c, h);
  }
  const Request* r = c.req;
  const RequestContext* x = c.ctx;
  if (name == "REQUEST_METHOD") return r ? std::string(r->method_name) : "";
  if (name == "REQUEST_SCHEME") return x ? std::string(x->scheme) : "http";
  if (name == "REQUEST_URI" || name == "DOCUMENT_URI") return std::string(c.url_path);
  if (name == "REQUEST_FILENAME" || name == "SCRIPT_FILENAME") return std::string(c.filename);
  if (name == "QUERY_STRING") return r ? std::string(r->query) : "";
  if (name == "THE_REQUEST") return r ? std::string(r->request_line) : "";
  if (name == "SERVER_NAME") return std::string(c.server_name);
  if (name == "SERVER_PORT") return x ? std::to_string(x->local_port) : "";
  if (name == "SERVER_ADMIN") return std::string(c.server_admin);
  if (name == "SERVER_PROTOCOL")
    return r ? "HTTP/" + std::to_string(r->version_major) + "." + std::to_string(r->version_minor)
             : "";
  if (name == "DOCUMENT_ROOT") return std::string(c.document_root);
  if (name == "HTTPS") return x && x->scheme == "https" ? "on" : "off";
  if (name.starts_with("SSL_")) return x ? ssl_var(x->transport, name) : "";
  if (name == "IPV6") return x && x->client_ip.find(':') != std::string_view::npos ? "on" : "off";
  if (name == "REMOTE_ADDR") return x ? std::string(x->client_ip) : "";
  if (name == "REMOTE_PORT") return x ? std::to_string(x->client_port) : "";
  if (name == "SERVER_ADDR") return x ? std::string(x->local_ip) : "";
  if (name == "IS_SUBREQ") return "false";
  if (name == "REQUEST_STATUS") return "0";
  if (name == "SERVER_SOFTWARE") return "Apache";
  if (name == "API_VERSION") return "20120211:0";
  return "";
}

std::string value(const ExprContext& c, const Word& w);

std::string apply(const ExprContext& c, const Part& p) {
  const std::string arg = value(c, *p.arg);
  if (p.text == "req" || p.text == "http") return header(c, arg);
  if (p.text == "env" || p.text == "reqenv") {
    const char* e = std::getenv(arg.c_str());
    return e ? e : "";
  }
  std::string out = arg;
  for (char& ch : out) {
    ch = p.text == "tolower" ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
                             : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return out;
}

std::string value(const ExprContext& c, const Word& w) {
  std::string out;
  for (const Part& p : w) {
    switch (p.kind) {
      case Part::Kind::kText:
        out += p.text;
        break;
      case Part::Kind::kVar:
        out += variable(c, p.text);
        break;
      case Part::Kind::kFunc:
        out += apply(c, p);
        break;
    }
  }
  return out;
}

// `ip` within `subnet` ("10.0.0.0/8", "::1", "192.168.1.5").
bool ip_in(std::string_view ip_text, std::string_view subnet) {
  std::string net(subnet);
  int bits = -1;
  if (auto slash = net.find('/'); slash != std::string::npos) {
    bits = std::atoi(net.c_str() + slash + 1);
    net.resize(slash);
  }
  std::string ip(ip_text);
  if (ip.starts_with("::ffff:") && net.find(':') == std::string::npos) ip = ip.substr(7);
  unsigned char a[16], b[16];
  const bool v6 = ip.find(':') != std::string::npos;
  if (v6 != (net.find(':') != std::string::npos)) return false;
  const int af = v6 ? AF_INET6 : AF_INET;
  if (inet_pton(af, ip.c_str(), a) != 1 || inet_pton(af, net.c_str(), b) != 1) return false;
  const int len = v6 ? 128 : 32;
  if (bits < 0 || bits > len) bits = len;
  for (int i = 0; i < bits; ++i) {
    const int mask = 0x80 >> (i % 8);
    if ((a[i / 8] & mask) != (b[i / 8] & mask)) return false;
  }
  return true;
}

bool eval_node(const Node& n, const ExprContext& c) {
  switch (n.kind) {
    case Node::Kind::kTrue:
      return true;
    case Node::Kind::kFalse:
      return false;
    case Node::Kind::kNot:
      return !eval_node(*n.a, c);
    case Node::Kind::kAnd:
      return eval_node(*n.a, c) && eval_node(*n.b, c);
    case Node::Kind::kOr:
      return eval_node(*n.a, c) || eval_node(*n.b, c);
    case Node::Kind::kStr: {
      const std::string l = value(c, n.left), r = value(c, n.right);
      const int cmp = l.compare(r);
      if (n.op == "==") return cmp == 0;
      if (n.op == "!=") return cmp != 0;
      if (n.op == "<") return cmp < 0;
      if (n.op == "<=") return cmp <= 0;
      if (n.op == ">") return cmp > 0;
      return cmp >= 0;
    }
    case Node::Kind::kInt: {
      const long l = std::strtol(value(c, n.left).c_str(), nullptr, 10);
      const long r = std::strtol(value(c, n.right).c_str(), nullptr, 10);
      if (n.op == "-eq") return l == r;
      if (n.op == "-ne") return l != r;
      if (n.op == "-lt") return l < r;
      if (n.op == "-le") return l <= r;
      if (n.op == "-gt") return l > r;
      return l >= r;
    }
    case Node::Kind::kRegex: {
      const std::string l = value(c, n.left);
      int failure = 0;
      const RegexResult m = n.regex->match(l, {}, &failure);
      // A match that hit a limit counts as no match, as ap_regexec's error does.
      return (m == RegexResult::kMatch) != n.negate;
    }
    case Node::Kind::kIn: {
      const std::string l = value(c, n.left);
      for (const Word& w : n.list) {
        if (value(c, w) == l) return true;
      }
      return false;
    }
    case Node::Kind::kBinary: {
      const std::string l = value(c, n.left), r = value(c, n.right);
      if (n.op == "-ipmatch") return ip_in(l, r);
      if (n.op == "-strmatch") return ::fnmatch(r.c_str(), l.c_str(), 0) == 0;
      if (n.op == "-strcmatch") return ::fnmatch(r.c_str(), l.c_str(), FNM_CASEFOLD) == 0;
      return ::fnmatch(r.c_str(), l.c_str(), FNM_PATHNAME) == 0;
    }
    case Node::Kind::kUnary: {
      const std::string v = value(c, n.left);
      if (n.op == "-n") return !v.empty();
      if (n.op == "-z") return v.empty();
      if (n.op == "-T")
        return !v.empty() && v != "0" && !cfg::iequals(v, "off") && !cfg::iequals(v, "false") &&
               !cfg::iequals(v, "no");
      if (n.op == "-R") return c.ctx != nullptr && ip_in(c.ctx->client_ip, v);
      struct stat st;
      const bool link = n.op == "-L" || n.op == "-h";
      if ((link ? ::lstat(v.c_str(), &st) : ::stat(v.c_str(), &st)) != 0) return false;
      if (n.op == "-d") return S_ISDIR(st.st_mode);
      if (n.op == "-f") return S_ISREG(st.st_mode);
      if (n.op == "-s") return S_ISREG(st.st_mode) && st.st_size > 0;
      if (link) return S_ISLNK(st.st_mode);
      return true;  // -e
    }
  }
  return false;
}

}  // namespace

IfExpr::IfExpr(std::unique_ptr<Node> root) : root_(std::move(root)) {}
IfExpr::~IfExpr() = default;

std::shared_ptr<const IfExpr> IfExpr::parse(std::string_view text, std::string* error) {
  Parser p(text);
  auto root = p.parse(error);
  if (!root) return nullptr;
  return std::make_shared<const IfExpr>(std::move(root));
}

bool IfExpr::eval(const ExprContext& c) const {
  return eval_node(*root_, c);
}

}  // namespace tern
