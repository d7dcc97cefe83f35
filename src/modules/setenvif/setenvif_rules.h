#pragma once
// mod_setenvif's rules (httpd's sei_entry): which request attribute a SetEnvIf,
// SetEnvIfNoCase, BrowserMatch or BrowserMatchNoCase line tests, its regex, and the
// variables it sets or unsets when the regex matches.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/module_config.h"
#include "util/regex.h"

namespace tern {

struct Request;
struct RequestContext;
class Response;

// httpd's special attribute names (compared case-insensitively); kHeader: a request
// header (or, when absent, an earlier-set variable) named `name`, or every header whose
// name matches `name_regex`.
enum class SetEnvIfAttr {
  kHeader,
  kRemoteHost,  // with HostnameLookups Off (tern never looks names up): the client's IP
  kRemoteAddr,
  kServerAddr,
  kRequestMethod,
  kRequestProtocol,
  kRequestUri,
};

// One variable a rule sets ("name=value", "name" → "1") or unsets ("!name").
struct SetEnvIfVar {
  std::string name;
  std::string value;  // may hold $0..$9 (the regex's captures)
  bool unset = false;
};

// One SetEnvIf line.
struct SetEnvIfRule {
  SetEnvIfAttr attr = SetEnvIfAttr::kHeader;
  std::string name;                         // the attribute as written
  std::shared_ptr<const Regex> name_regex;  // header names, when `name` is a regex
  std::shared_ptr<const Regex> regex;
  std::vector<SetEnvIfVar> vars;
};

// Parses one line's arguments: attribute, regex, then [!]var[=value]…; `icase` for the
// *NoCase forms; `options` the RegexDefaultOptions in effect. "" or an error message.
std::string parse_setenvif(std::string_view attribute, std::string_view regex,
                           const std::vector<std::string_view>& vars, bool icase, unsigned options,
                           SetEnvIfRule* out);

// What the rules read of the request: its head, addresses and decoded path (httpd's r->uri).
struct SetEnvIfInput {
  const Request* req = nullptr;
  const RequestContext* ctx = nullptr;
  std::string_view uri;
};

// Applies `rules` in order to `resp`'s environment (each sees what earlier ones set).
// False when a $N substitution grew past 8 KiB (httpd's AH01505: the request fails 500).
bool apply_setenvif(const std::vector<SetEnvIfRule>& rules, const SetEnvIfInput& in,
                    Response& resp);

// mod_setenvif's per-directory configuration: the rules of the server level (run at
// post_read_request) and those of sections (header_parser), each in file order.
struct SetEnvIfDirConfig final : ModuleConfig {
  std::vector<SetEnvIfRule> server_rules;
  std::vector<SetEnvIfRule> dir_rules;
  // httpd's merge_setenvif_config: add's rules after base's.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

}  // namespace tern
