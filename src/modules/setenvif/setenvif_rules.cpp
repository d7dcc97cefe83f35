#include "modules/setenvif/setenvif_rules.h"

#include <array>

#include "config/config_lexer.h"
#include "config/config_values.h"
#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"

namespace tern {

namespace {

// httpd's is_header_regex: a name of other characters than [-A-Za-z0-9_] is a regex.
bool is_header_regex(std::string_view name) {
  for (char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    if (!plain) return true;
  }
  return false;
}

SetEnvIfAttr special_attr(std::string_view name) {
  if (iequals(name, "Remote_Host")) return SetEnvIfAttr::kRemoteHost;
  if (iequals(name, "Remote_Addr")) return SetEnvIfAttr::kRemoteAddr;
  if (iequals(name, "Server_Addr")) return SetEnvIfAttr::kServerAddr;
  if (iequals(name, "Request_Method")) return SetEnvIfAttr::kRequestMethod;
  if (iequals(name, "Request_Protocol")) return SetEnvIfAttr::kRequestProtocol;
  if (iequals(name, "Request_URI")) return SetEnvIfAttr::kRequestUri;
  return SetEnvIfAttr::kHeader;
}

// The value the rule tests; "" when absent (so "^$" matches a missing header, as httpd).
std::string_view attribute_value(const SetEnvIfRule& rule, const SetEnvIfInput& in,
                                 const Response& resp) {
  switch (rule.attr) {
    case SetEnvIfAttr::kRemoteHost:
    case SetEnvIfAttr::kRemoteAddr:
      return in.ctx->client_ip;
    case SetEnvIfAttr::kServerAddr:
      return in.ctx->local_ip;
    case SetEnvIfAttr::kRequestMethod:
      return in.req->method_name;
    case SetEnvIfAttr::kRequestProtocol:
      return in.req->version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    case SetEnvIfAttr::kRequestUri:
      return in.uri;
    case SetEnvIfAttr::kHeader:
      break;
  }
  if (rule.name_regex) {
    // The last header whose name matches (httpd walks them all).
    std::string_view val;
    for (const HeaderField& f : in.req->headers)
      if (rule.name_regex->match(f.name) == RegexResult::kMatch) val = f.value;
    return val;
  }
  if (auto h = in.req->header(rule.name)) return *h;
  if (auto v = resp.env_value(rule.name)) return *v;
  return {};
}

}  // namespace

std::string parse_setenvif(std::string_view attribute, std::string_view regex,
                           const std::vector<std::string_view>& vars, bool icase, unsigned options,
                           SetEnvIfRule* out) {
  SetEnvIfRule rule;
  rule.name = std::string(attribute);
  rule.attr = special_attr(attribute);
  if (rule.attr == SetEnvIfAttr::kHeader && is_header_regex(attribute)) {
    RegexError err;
    auto re = Regex::compile(attribute, options | kRegexIcase, &err);
    if (!re) return "Header name regex could not be compiled.";
    rule.name_regex = std::make_shared<const Regex>(std::move(*re));
  }
  RegexError err;
  auto re = Regex::compile(regex, options | (icase ? kRegexIcase : 0u), &err);
  if (!re) return "Regex could not be compiled: " + err.message;
  rule.regex = std::make_shared<const Regex>(std::move(*re));
  for (std::string_view v : vars) {
    SetEnvIfVar var;
    if (!v.empty() && v.front() == '!') {
      var.name = std::string(v.substr(1));
      var.unset = true;
    } else if (const size_t eq = v.find('='); eq != std::string_view::npos) {
      var.name = std::string(v.substr(0, eq));
      var.value = std::string(v.substr(eq + 1));
    } else {
      var.name = std::string(v);
      var.value.push_back('1');
    }
    if (var.name.empty()) return "Missing environment variable name";
    rule.vars.push_back(std::move(var));
  }
  *out = std::move(rule);
  return "";
}

bool apply_setenvif(const std::vector<SetEnvIfRule>& rules, const SetEnvIfInput& in,
                    Response& resp) {
  thread_local std::string replaced;
  std::array<RegexCapture, 10> caps;
  for (const SetEnvIfRule& rule : rules) {
    const std::string_view val = attribute_value(rule, in, resp);
    if (rule.regex->match(val, caps) != RegexResult::kMatch) continue;
    for (const SetEnvIfVar& v : rule.vars) {
      if (v.unset) {
        resp.unset_env(v.name);
      } else if (v.value.find('$') == std::string::npos) {
        resp.set_env(v.name, v.value);
      } else {
        replaced.clear();
        if (!regex_substitute(v.value, val, caps, &replaced)) return false;
        resp.set_env(v.name, replaced);
      }
    }
  }
  return true;
}

std::unique_ptr<ModuleConfig> SetEnvIfDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const SetEnvIfDirConfig&>(add_base);
  auto merged = std::make_unique<SetEnvIfDirConfig>(*this);
  merged->dir_rules.insert(merged->dir_rules.end(), add.dir_rules.begin(), add.dir_rules.end());
  return merged;
}

}  // namespace tern
