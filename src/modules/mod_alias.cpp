// alias_module (mod_alias.c): URL to file-system mapping — Alias, AliasMatch, ScriptAlias,
// ScriptAliasMatch — as a translate_name hook that runs before core's DocumentRoot.

#include <memory>

#include "config/build_state.h"
#include "config/config.h"
#include "log/error_log.h"
#include "modules/alias/alias_map.h"
#include "modules/module.h"

namespace tern::modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "alias_module";

// httpd's ap_server_root_relative: a relative path is taken under ServerRoot.
std::string root_relative(const BuildState& st, const std::string& p) {
  if (!p.empty() && p.front() == '/') return p;
  return st.server_root + "/" + p;
}

// Alias / ScriptAlias URL-path file-path|directory-path
std::string add_alias(BuildState& st, const Cmd& c, bool script) {
  if (c.args[0].text.empty() || c.args[1].text.empty()) return "empty path";
  ScriptAliasSpec a;
  a.url = c.args[0].text;
  a.target = root_relative(st, c.args[1].text);
  a.script = script;
  a.file = c.file;
  a.line = c.line;
  st.cfg.script_aliases.push_back(std::move(a));
  return "";
}

// AliasMatch / ScriptAliasMatch regex file-path|directory-path
std::string add_alias_match(BuildState& st, const Cmd& c, bool script) {
  RegexError e;
  auto re = Regex::compile(c.args[0].text, st.regex_options, &e);
  if (!re) {
    return "invalid regular expression '" + regex_excerpt(c.args[0].text, 64) + "': " + e.message +
           " at offset " + std::to_string(e.offset);
  }
  if (c.args[1].text.empty()) return "empty path";
  ScriptAliasSpec a;
  a.url = c.args[0].text;
  // mod_alias substitutes a regex target when a request matches; tern keeps it as written
  // unless it is relative, when it goes under ServerRoot now (same result).
  a.target = root_relative(st, c.args[1].text);
  a.regex = std::make_shared<const Regex>(std::move(*re));
  a.script = script;
  a.file = c.file;
  a.line = c.line;
  st.cfg.script_aliases.push_back(std::move(a));
  return "";
}

std::string set_alias(BuildState& st, const Cmd& c) {
  return add_alias(st, c, false);
}
std::string set_script_alias(BuildState& st, const Cmd& c) {
  return add_alias(st, c, true);
}
std::string set_alias_match(BuildState& st, const Cmd& c) {
  return add_alias_match(st, c, false);
}
std::string set_script_alias_match(BuildState& st, const Cmd& c) {
  return add_alias_match(st, c, true);
}

const DirectiveSpec kDirectives[] = {
    {"Alias", kCtxServer, Args::kTake2, set_alias, "Maps URLs to filesystem locations", kMod,
     kOverrideNone},
    {"AliasMatch", kCtxServer, Args::kTake2, set_alias_match,
     "Maps URLs to filesystem locations using regular expressions", kMod, kOverrideNone},
    {"ScriptAlias", kCtxServer, Args::kTake2, set_script_alias,
     "Maps a URL to a filesystem location and designates the target as a CGI script", kMod,
     kOverrideNone},
    {"ScriptAliasMatch", kCtxServer, Args::kTake2, set_script_alias_match,
     "Maps a URL to a filesystem location using a regular expression and designates the "
     "target as a CGI script",
     kMod, kOverrideNone},
};

// httpd's translate_alias_redir: the first alias matching the URL names the file; a
// ScriptAlias* also sets the handler "cgi-script".
class AliasHooks final : public ModuleHooks {
 public:
  int translate_name(RequestRec& r) const override {
    const auto& aliases = r.server.script_aliases;
    if (aliases.empty()) return kDeclined;
    thread_local AliasMapping m;
    if (!map_alias(aliases, r.url_path, &m)) return kDeclined;
    if (m.status != 0) {
      if (ErrorLog::enabled(LogLevel::kError)) {
        std::string ip(r.ctx.client_ip);
        ErrorLog::printf(LogLevel::kError, "alias", "[client %s:%u] %s '%s' could not map %.*s",
                         ip.c_str(), r.ctx.client_port,
                         m.alias->script ? "ScriptAliasMatch" : "AliasMatch", m.alias->url.c_str(),
                         static_cast<int>(r.url_path.size()), r.url_path.data());
      }
      return m.status;
    }
    r.filename.swap(m.filename);  // both keep their capacity for the next request
    r.context_prefix = m.context_prefix;
    r.context_document_root = m.context_root;
    if (m.alias->script) r.handler = "cgi-script";
    return kOk;
  }
};

const AliasHooks kHooks;

}  // namespace

extern const Module alias_module;  // listed in registry.cpp
const Module alias_module{
    .name = kMod,
    .source = "mod_alias.c",
    // Redirect, RedirectMatch, RedirectTemp, RedirectPermanent are not implemented yet: a
    // configuration using them fails with "unknown directive" rather than serving the
    // wrong files.
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kTranslateName),
};

}  // namespace tern::modules
