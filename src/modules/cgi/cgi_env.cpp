#include "modules/cgi/cgi_env.h"

#include "http/server_url.h"

#include <charconv>

namespace tern {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void add(std::vector<std::string>& env, std::string_view name, std::string_view value) {
  std::string e;
  e.reserve(name.size() + 1 + value.size());
  e.append(name);
  e.push_back('=');
  e.append(value);
  env.push_back(std::move(e));
}

// httpd's ap_escape_html: SERVER_NAME is html-escaped.
std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// httpd's ap_create_environment: a leading digit and every non-alnum byte of a name
// become '_'.
std::string env_name(std::string_view name) {
  std::string out(name);
  for (size_t i = 0; i < out.size(); ++i) {
    if (!is_alnum(out[i]) || (i == 0 && out[i] >= '0' && out[i] <= '9')) out[i] = '_';
  }
  return out;
}

bool names_var(std::string_view entry, std::string_view name) {
  return entry.size() > name.size() && entry[name.size()] == '=' &&
         iequals(entry.substr(0, name.size()), name);
}

// The request's variables ahead of the CGI ones (httpd's subprocess_env table, which
// ap_add_common_vars and ap_add_cgi_vars overwrite by name); HTTP_PROXY never passes.
std::vector<std::string> with_request_env(
    const std::vector<std::pair<std::string, std::string>>& request_env,
    std::vector<std::string> cgi) {
  std::vector<std::string> out;
  out.reserve(request_env.size() + cgi.size());
  for (const auto& [n, v] : request_env) {
    if (n.empty() || iequals(n, "HTTP_PROXY")) continue;
    bool shadowed = false;
    for (const std::string& e : cgi) {
      if (names_var(e, n)) {
        shadowed = true;
        break;
      }
    }
    if (!shadowed) add(out, env_name(n), v);
  }
  for (std::string& e : cgi) out.push_back(std::move(e));
  return out;
}

// httpd's original_uri: the target of the request line, which an internal redirect keeps
// (the target itself when there is no line).
std::string_view original_uri(const Request& req) {
  std::string_view line = req.request_line;
  const size_t first = line.find(' ');
  if (first == std::string_view::npos) return req.target;
  line.remove_prefix(first + 1);
  return line.substr(0, line.find(' '));
}

}  // namespace

std::string cgi_http_var_name(std::string_view name) {
  std::string out = "HTTP_";
  for (char c : name) {
    if (is_alnum(c)) {
      out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    } else if (c == '-') {
      out.push_back('_');
    } else {
      return "";
    }
  }
  return out;
}

void cgi_server_name_port(const CgiEnvInput& in, std::string* name, uint16_t* port) {
  request_server_name_port(*in.req, *in.ctx, in.server_name, in.server_name_port, name, port);
}

std::vector<std::string> build_cgi_env(const CgiEnvInput& in) {
  const Request& req = *in.req;
  const RequestContext& ctx = *in.ctx;
  std::vector<std::string> env;
  env.reserve(32 + req.headers.size());
  if (!in.tz.empty()) add(env, "TZ", in.tz);
  // ap_add_common_vars: the request's fields (same names merged with ", " as httpd's
  // headers_in table does; case-insensitively).
  std::vector<std::pair<std::string, std::string>> vars;
  for (const HeaderField& f : req.headers) {
    std::string var;
    if (iequals(f.name, "Content-Type")) {
      var = "CONTENT_TYPE";
    } else if (iequals(f.name, "Content-Length")) {
      var = "CONTENT_LENGTH";
    } else if (iequals(f.name, "Proxy")) {
      continue;  // httpoxy: never HTTP_PROXY
    } else if ((iequals(f.name, "Authorization") || iequals(f.name, "Proxy-Authorization")) &&
               !in.pass_auth) {
      continue;
    } else {
      var = cgi_http_var_name(f.name);
      if (var.empty()) continue;
    }
    bool merged = false;
    for (auto& v : vars) {
      if (v.first == var) {
        v.second.append(", ");
        v.second.append(f.value);
        merged = true;
        break;
      }
    }
    if (!merged) vars.emplace_back(std::move(var), std::string(f.value));
  }
  for (const auto& v : vars) add(env, v.first, v.second);
  add(env, "PATH", in.path.empty() ? kCgiDefaultPath : in.path);
  add(env, "SERVER_SIGNATURE", in.server_signature);
  add(env, "SERVER_SOFTWARE", in.server_software);
  std::string name;
  uint16_t port = 0;
  cgi_server_name_port(in, &name, &port);
  add(env, "SERVER_NAME", escape_html(name));
  add(env, "SERVER_ADDR", ctx.local_ip);
  add(env, "SERVER_PORT", std::to_string(port));
  add(env, "REMOTE_ADDR", ctx.client_ip);
  add(env, "DOCUMENT_ROOT", in.document_root);
  add(env, "REQUEST_SCHEME", ctx.scheme);
  add(env, "CONTEXT_PREFIX", in.context_prefix);
  add(env, "CONTEXT_DOCUMENT_ROOT",
      in.context_document_root.empty() ? in.document_root : in.context_document_root);
  add(env, "SERVER_ADMIN", in.server_admin.empty() ? "[no address given]" : in.server_admin);
  add(env, "SCRIPT_FILENAME", in.script_filename);
  add(env, "REMOTE_PORT", std::to_string(ctx.client_port));
  if (in.remote_user != nullptr) add(env, "REMOTE_USER", *in.remote_user);
  if (!in.auth_type.empty()) add(env, "AUTH_TYPE", in.auth_type);
  // ap_add_cgi_vars.
  add(env, "GATEWAY_INTERFACE", "CGI/1.1");
  add(env, "SERVER_PROTOCOL",
      "HTTP/" + std::to_string(req.version_major) + "." + std::to_string(req.version_minor));
  add(env, "REQUEST_METHOD", req.method_name);
  add(env, "QUERY_STRING", req.query);
  add(env, "REQUEST_URI", original_uri(req));
  add(env, "SCRIPT_NAME", in.script_name);
  if (!in.path_info.empty()) {
    add(env, "PATH_INFO", in.path_info);
    add(env, "PATH_TRANSLATED", in.path_translated);
  }
  if (in.request_env == nullptr || in.request_env->empty()) return env;
  return with_request_env(*in.request_env, std::move(env));
}

}  // namespace tern
