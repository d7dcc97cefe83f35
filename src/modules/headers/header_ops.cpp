#include "modules/headers/header_ops.h"

#include <time.h>

#include <optional>

#include "config/config_values.h"
#include "http/request.h"
#include "http/response.h"
#include "net/transport.h"

namespace tern {
namespace {

using Action = HeaderOp::Action;
using Part = HeaderValuePart;

// httpd's parse_misc_string: text up to the next '%', with \\ \r \n \t unescaped.
void parse_text(std::string_view& s, std::vector<Part>* out) {
  Part p;
  while (!s.empty() && s.front() != '%') {
    const char c = s.front();
    s.remove_prefix(1);
    if (c != '\\' || s.empty()) {
      p.text.push_back(c);
      continue;
    }
    switch (s.front()) {
      case '\\':
        p.text.push_back('\\');
        break;
      case 'r':
        p.text.push_back('\r');
        break;
      case 'n':
        p.text.push_back('\n');
        break;
      case 't':
        p.text.push_back('\t');
        break;
      default:
        p.text.push_back('\\');  // copied verbatim; the next character is read as text
        continue;
    }
    s.remove_prefix(1);
  }
  out->push_back(std::move(p));
}

// httpd's parse_format_string: the value's text and format tags.
std::string parse_value(std::string_view s, std::vector<Part>* out) {
  if (s.substr(0, 5) == "expr=") {
    return "Header values of the form expr=… (ap_expr strings) are not supported by tern";
  }
  while (!s.empty()) {
    if (s.front() != '%') {
      parse_text(s, out);
      continue;
    }
    s.remove_prefix(1);
    if (s.empty() || s.front() == '%') {  // "%%" and a trailing '%' are a '%'
      out->push_back({Part::Kind::kText, "%"});
      if (!s.empty()) s.remove_prefix(1);
      continue;
    }
    std::string arg;
    if (s.front() == '{') {
      const size_t close = s.find('}');
      arg = std::string(s.substr(1, close == std::string_view::npos ? s.size() - 1 : close - 1));
      s.remove_prefix(close == std::string_view::npos ? s.size() : close + 1);
      if (s.empty()) return "Unrecognized header format %";
    }
    const char tag = s.front();
    s.remove_prefix(1);
    switch (tag) {
      case 't':
        out->push_back({Part::Kind::kRequestTime, {}});
        break;
      case 'D':
        out->push_back({Part::Kind::kDuration, {}});
        break;
      case 'e':
        out->push_back({Part::Kind::kEnv, std::move(arg)});
        break;
      case 's':
        out->push_back({Part::Kind::kSsl, std::move(arg)});
        break;
      case 'l':
      case 'i':
      case 'b':
        return std::string("the header format %") + tag +
               " (load average, idle or busy workers) is not supported by tern";
      default:
        return std::string("Unrecognized header format %") + tag;
    }
  }
  return "";
}

// httpd's unwrap_header: CR and LF become blanks.
std::string unwrapped(std::string_view v) {
  std::string s(v);
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

// httpd's process_tags.
std::string render(const std::vector<Part>& parts, const HeadFixupContext& ctx,
                   const Response& resp) {
  std::string out;
  for (const Part& p : parts) {
    switch (p.kind) {
      case Part::Kind::kText:
        out += p.text;
        break;
      case Part::Kind::kRequestTime:
        out += "t=" + std::to_string(ctx.request_start_us);
        break;
      case Part::Kind::kDuration: {
        timespec ts{};
        ::clock_gettime(CLOCK_REALTIME, &ts);
        const int64_t now = int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
        out += "D=" + std::to_string(ctx.request_start_us ? now - ctx.request_start_us : 0);
        break;
      }
      case Part::Kind::kEnv: {
        auto v = resp.env_value(p.text);
        out += v ? unwrapped(*v) : "(null)";
        break;
      }
      case Part::Kind::kSsl: {
        std::string v;
        if (ctx.transport != nullptr && ctx.transport->tls_var(p.text, &v) && !v.empty()) {
          out += unwrapped(v);
        } else {
          out += "(null)";
        }
        break;
      }
    }
  }
  return out;
}

HeaderTable::iterator find(HeaderTable& t, std::string_view name) {
  for (auto it = t.begin(); it != t.end(); ++it) {
    if (iequals(it->first, name)) return it;
  }
  return t.end();
}

// apr_table_setn: the first field of the name takes the value, the others go.
void table_set(HeaderTable& t, const std::string& name, std::string value) {
  auto first = find(t, name);
  if (first == t.end()) {
    t.emplace_back(name, std::move(value));
    return;
  }
  first->second = std::move(value);
  const size_t keep = static_cast<size_t>(first - t.begin());
  for (size_t i = t.size(); i-- > keep + 1;) {
    if (iequals(t[i].first, name)) t.erase(t.begin() + static_cast<ptrdiff_t>(i));
  }
}

void table_unset(HeaderTable& t, std::string_view name) {
  std::erase_if(t, [&](const auto& f) { return iequals(f.first, name); });
}

// apr_table_mergen: ", value" appended to the first field of the name, else added.
void table_merge(HeaderTable& t, const std::string& name, std::string value) {
  auto first = find(t, name);
  if (first == t.end()) {
    t.emplace_back(name, std::move(value));
  } else {
    first->second += ", " + value;
  }
}

// Header merge: is `token` one of the comma-separated (quote-aware) items of `list`?
bool has_token(std::string_view list, std::string_view token) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t')) ++i;
    const size_t start = i;
    while (i < list.size() && list[i] != ',') {
      if (list[i++] == '"') {
        while (i < list.size() && list[i++] != '"') {
        }
      }
    }
    if (list.substr(start, i - start) == token) return true;
    if (i < list.size()) ++i;
  }
  return false;
}

// httpd's process_regexp: the first match (every match for edit*) replaced.
std::string edited(const HeaderOp& op, const std::string& value, const std::string& replacement) {
  RegexCapture caps[10];
  std::string out;
  size_t pos = 0;
  bool nonempty_anchored = false;
  bool any = false;
  while (pos <= value.size()) {
    const RegexResult rc = op.regex->match_at(value, pos, nonempty_anchored, caps);
    if (rc != RegexResult::kMatch) {
      if (rc == RegexResult::kFailed || !nonempty_anchored || pos >= value.size()) break;
      out.push_back(value[pos++]);  // after an empty match: consume one character
      nonempty_anchored = false;
      continue;
    }
    any = true;
    out.append(value, pos, caps[0].begin - pos);
    if (!regex_substitute(replacement, value, caps, &out)) return value;
    nonempty_anchored = caps[0].end == caps[0].begin;
    pos = caps[0].end;
    if (op.action != Action::kEditAll) break;
    if (nonempty_anchored && pos >= value.size()) break;
  }
  if (!any) return value;
  if (pos < value.size()) out.append(value, pos, std::string::npos);
  return out;
}

// The Content-Type field lives in headers_out whatever the table (httpd's r->content_type).
bool is_content_type(const std::string& name) {
  return iequals(name, "Content-Type");
}

// httpd's do_headers_fixup for one table `t` (`main` is headers_out, for Content-Type and
// echo).
void run_ops(std::span<const HeaderOp> ops, HeaderTable& t, HeaderTable& main,
             const HeadFixupContext& ctx, const Response& resp) {
  for (const HeaderOp& op : ops) {
    if (!op.env.empty() && resp.env_value(op.env).has_value() == op.env_negated) continue;
    HeaderTable& table = is_content_type(op.name) ? main : t;
    switch (op.action) {
      case Action::kAdd:
        table.emplace_back(op.name, render(op.value, ctx, resp));
        break;
      case Action::kAppend:
        table_merge(table, op.name, render(op.value, ctx, resp));
        break;
      case Action::kMerge: {
        std::string v = render(op.value, ctx, resp);
        auto it = find(table, op.name);
        if (it == table.end()) {
          table.emplace_back(op.name, std::move(v));
        } else if (!has_token(it->second, v)) {
          table_merge(table, op.name, std::move(v));
        }
        break;
      }
      case Action::kSet:
        table_set(table, op.name, render(op.value, ctx, resp));
        break;
      case Action::kSetIfEmpty:
        // httpd's r->content_type is not in the table it looks in: always set.
        if (is_content_type(op.name) || find(t, op.name) == t.end()) {
          table_set(table, op.name, render(op.value, ctx, resp));
        }
        break;
      case Action::kUnset:
        table_unset(table, op.name);
        break;
      case Action::kEcho:
        if (ctx.req == nullptr) break;
        for (const HeaderField& f : ctx.req->headers) {
          if (op.regex->match(f.name) == RegexResult::kMatch) main.emplace_back(f.name, f.value);
        }
        break;
      case Action::kEdit:
      case Action::kEditAll: {
        if (find(table, op.name) == table.end()) break;
        const std::string replacement = render(op.value, ctx, resp);
        HeaderTable edits;
        for (const auto& [n, v] : table) {
          if (iequals(n, op.name)) edits.emplace_back(n, edited(op, v, replacement));
        }
        table_unset(table, op.name);
        for (auto& e : edits) table.push_back(std::move(e));
        break;
      }
    }
  }
}

}  // namespace

std::string parse_header_op(std::span<const std::string_view> args, unsigned regex_options,
                            HeaderOp* op) {
  size_t i = 0;
  if (i < args.size() && iequals(args[i], "always")) {
    op->always = true;
    ++i;
  } else if (i < args.size() && iequals(args[i], "onsuccess")) {
    ++i;
  }
  const std::string_view action = i < args.size() ? args[i++] : std::string_view();
  const std::string_view hdr = i < args.size() ? args[i++] : std::string_view();
  std::optional<std::string_view> value, subs, envclause;
  if (i < args.size()) value = args[i++];
  if (i < args.size()) subs = args[i++];
  if (i < args.size()) envclause = args[i++];
  if (i < args.size()) return "Header has too many arguments";

  static constexpr std::pair<std::string_view, Action> kActions[] = {
      {"set", Action::kSet},       {"setifempty", Action::kSetIfEmpty},
      {"add", Action::kAdd},       {"append", Action::kAppend},
      {"merge", Action::kMerge},   {"unset", Action::kUnset},
      {"echo", Action::kEcho},     {"edit", Action::kEdit},
      {"edit*", Action::kEditAll},
  };
  bool known = false;
  for (const auto& [word, a] : kActions) {
    if (iequals(action, word)) {
      op->action = a;
      known = true;
    }
  }
  if (!known && iequals(action, "note")) {
    return "Header note (copying a field into the request's notes) is not supported by tern";
  }
  if (!known) {
    return "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', "
           "'echo', 'note', 'edit', or 'edit*'.";
  }
  const auto compile = [&](std::string_view pattern) {
    RegexError e;
    auto re = Regex::compile(pattern, regex_options, &e);
    if (!re) return false;
    op->regex = std::make_shared<const Regex>(std::move(*re));
    return true;
  };
  std::string_view format;
  if (op->action == Action::kEdit || op->action == Action::kEditAll) {
    if (!subs) return "Header edit requires a match and a substitution";
    if (!compile(*value)) return "Header edit regex could not be compiled";
    format = *subs;
  } else {
    if (envclause) return "Too many arguments to directive";
    envclause = subs;
    if (op->action == Action::kUnset || op->action == Action::kEcho) {
      if (value) {
        if (envclause) {
          return op->action == Action::kUnset ? "header unset takes two arguments"
                                              : "Header echo takes two arguments";
        }
        envclause = value;
        value.reset();
      }
      if (op->action == Action::kEcho && !compile(hdr)) {
        return "Header echo regex could not be compiled";
      }
    } else if (!value) {
      return "Header requires three arguments";
    } else {
      format = *value;
    }
  }
  if (hdr.empty() && op->action != Action::kEcho) return "Header requires three arguments";
  if (envclause) {
    const std::string_view e = *envclause;
    if (iequals(e, "early")) {
      return "Header ... early (applied before the request is processed) is not supported by "
             "tern";
    }
    if (e.size() >= 4 && iequals(e.substr(0, 4), "env=")) {
      std::string_view var = e.substr(4);
      if (!var.empty() && var.front() == '!') {
        op->env_negated = true;
        var.remove_prefix(1);
      }
      if (var.empty()) {
        return "error: missing environment variable name. envclause should be in the form "
               "env=envar ";
      }
      op->env = std::string(var);
    } else if (e.size() >= 5 && iequals(e.substr(0, 5), "expr=")) {
      return "Header conditions of the form expr=… are not supported by tern; use env=";
    } else {
      return "Unknown parameter: " + std::string(e);
    }
  }
  op->name = std::string(hdr.substr(0, hdr.find(':')));
  return parse_value(format, &op->value);
}

HeaderTable parse_fields(std::string_view fields) {
  HeaderTable t;
  while (!fields.empty()) {
    const size_t eol = fields.find("\r\n");
    std::string_view line = fields.substr(0, eol);
    fields.remove_prefix(eol == std::string_view::npos ? fields.size() : eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    t.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return t;
}

void append_fields(const HeaderTable& t, std::string* fields) {
  for (const auto& [n, v] : t) {
    fields->append(n).append(": ").append(v).append("\r\n");
  }
}

void apply_header_ops(std::span<const HeaderOp> always, std::span<const HeaderOp> onsuccess,
                      const HeadFixupContext& ctx, Response& resp) {
  HeaderTable main = parse_fields(resp.fields);
  HeaderTable err;
  // httpd's ap_scan_script_header_err keeps a script's fields in err_headers_out, except
  // those it gives a meaning (r->content_type, headers_out's framing and Location).
  const auto in_err = [&](const std::string& name) {
    if (!resp.script_fields) return false;
    for (std::string_view own : {"Content-Type", "Location", "Content-Length", "Content-Range",
                                 "Transfer-Encoding", "Last-Modified", "Status"}) {
      if (iequals(name, own)) return false;
    }
    return true;
  };
  for (auto it = main.begin(); it != main.end();) {
    if (in_err(it->first)) {
      err.push_back(std::move(*it));
      it = main.erase(it);
    } else {
      ++it;
    }
  }
  run_ops(always, err, main, ctx, resp);
  if (!resp.error_page) run_ops(onsuccess, main, main, ctx, resp);
  resp.fields.clear();
  append_fields(err, &resp.fields);
  append_fields(main, &resp.fields);
}

}  // namespace tern
