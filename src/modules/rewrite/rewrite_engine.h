#pragma once
// mod_rewrite's server-level rule walk (httpd's hook_uri2file + apply_rewrite_list for the
// subset tern implements: rules that redirect, forbid, end the walk or change nothing),
// and the parsing of RewriteCond / RewriteRule lines.

#include <span>
#include <string>
#include <string_view>

#include "config/rewrite_spec.h"
#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"

namespace tern {

// What the rules see of a request besides its fields.
struct RewriteRequest {
  const Request* req = nullptr;
  const RequestContext* ctx = nullptr;
  std::string_view url_path;      // decoded (httpd's r->uri)
  std::string_view server_name;   // ServerName's host ("" = none)
  uint16_t server_name_port = 0;  // ServerName's port (0 = none)
  std::string_view document_root;
  std::string_view server_admin;
  const Response* resp = nullptr;  // its environment (%{ENV:…})
};

// The walk's outcome: 0 (nothing to do), or a status with, for a 3xx, its Location.
struct RewriteResult {
  int status = 0;
  std::string location;
};

// Applies `rules` in order to the request.
RewriteResult apply_rewrite_rules(std::span<const RewriteRuleSpec> rules, const RewriteRequest& r);

// Parses `RewriteCond` arguments into *out; "" or httpd's (or tern's refusal) message.
std::string parse_rewrite_cond(std::span<const std::string_view> args, unsigned regex_options,
                               RewriteCondSpec* out);
// Parses `RewriteRule` arguments into *out (its conds left to the caller).
std::string parse_rewrite_rule(std::span<const std::string_view> args, unsigned regex_options,
                               RewriteRuleSpec* out);

}  // namespace tern
