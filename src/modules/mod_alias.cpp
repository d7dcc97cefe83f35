// alias_module (mod_alias.c): external redirects — Redirect, RedirectMatch, RedirectTemp,
// RedirectPermanent — and URL to file-system mapping — Alias, AliasMatch, ScriptAlias,
// ScriptAliasMatch — as a translate_name hook that runs before core's DocumentRoot.

#include <memory>

#include "config/build_state.h"
#include "config/config.h"
#include "log/error_log.h"
#include "modules/alias/alias_map.h"
#include "modules/alias/redirect_map.h"
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

// httpd's add_redirect_internal: `[status] URL-path URL` (a regex for RedirectMatch), the
// status keyword or number optional; 3xx needs a URL, any other status takes none.
std::string add_redirect(BuildState& st, const Cmd& c, int status, bool use_regex) {
  if (c.ctx & kCtxLocation) {
    return "not supported inside <Location> by tern (httpd's per-directory redirect); put it "
           "at server level with its URL-path";
  }
  const size_t n = c.args.size();
  const std::string& arg1 = c.args[0].text;
  const std::string* arg2 = n > 1 ? &c.args[1].text : nullptr;
  const std::string* arg3 = n > 2 ? &c.args[2].text : nullptr;
  const bool grok = redirect_status_word(arg1, &status);
  if (arg3 != nullptr && !grok) return "invalid first argument (of three)";
  if ((grok && arg2 != nullptr && arg3 == nullptr && status != 410) ||
      (grok && arg2 == nullptr && status == 410) || (!grok && arg2 == nullptr)) {
    // httpd reads these as `Redirect [status] URL`, the form for <Location>.
    return "the form '" + c.name +
           " [status] URL' (without a URL-path, for <Location>) is not supported by tern; "
           "give the URL-path: '" +
           c.name + " [status] URL-path URL'";
  }
  std::string fake = arg3 == nullptr && !grok ? arg1 : *arg2;
  const std::string* url = arg3 == nullptr && !grok ? arg2 : arg3;
  if (fake.empty()) return "empty URL-path";
  RedirectSpec rd;
  if (use_regex) {
    RegexError e;
    auto re = Regex::compile(fake, st.regex_options, &e);
    if (!re) {
      return "invalid regular expression '" + regex_excerpt(fake, 64) + "': " + e.message +
             " at offset " + std::to_string(e.offset);
    }
    rd.regex = std::make_shared<const Regex>(std::move(*re));
  }
  if (status >= 300 && status <= 399) {
    if (url == nullptr) return "URL to redirect to is missing";
    if (!use_regex && !is_absolute_url(*url) && (url->empty() || url->front() != '/'))
      return "Redirect to non-URL";
  } else if (url != nullptr) {
    return "Redirect URL not valid for this status";
  } else if (status < 400 || status > 599) {
    return "status " + std::to_string(status) + " is neither a redirect (3xx) nor an error";
  }
  rd.url = std::move(fake);
  if (url != nullptr) rd.target = *url;
  rd.status = status;
  rd.file = c.file;
  rd.line = c.line;
  st.cfg.redirects.push_back(std::move(rd));
  return "";
}

std::string set_redirect(BuildState& st, const Cmd& c) {
  if (c.args.size() > 3) {
    return "takes one, two or three arguments, an optional status, then document to be "
           "redirected and destination URL";
  }
  return add_redirect(st, c, 302, false);
}
std::string set_redirect_match(BuildState& st, const Cmd& c) {
  return add_redirect(st, c, 302, true);
}
std::string set_redirect_temp(BuildState& st, const Cmd& c) {
  return add_redirect(st, c, 302, false);
}
std::string set_redirect_permanent(BuildState& st, const Cmd& c) {
  return add_redirect(st, c, 301, false);
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
    {"Redirect", kCtxServer | kCtxDir, Args::kIterate, set_redirect,
     "Sends an external redirect asking the client to fetch a different URL", kMod,
     kOverrideFileInfo},
    {"RedirectMatch", kCtxServer | kCtxDir, Args::kTake23, set_redirect_match,
     "Sends an external redirect based on a regular expression match of the current URL", kMod,
     kOverrideFileInfo},
    {"RedirectTemp", kCtxServer | kCtxDir, Args::kTake2, set_redirect_temp,
     "Sends an external temporary redirect asking the client to fetch a different URL", kMod,
     kOverrideFileInfo},
    {"RedirectPermanent", kCtxServer | kCtxDir, Args::kTake2, set_redirect_permanent,
     "Sends an external permanent redirect asking the client to fetch a different URL", kMod,
     kOverrideFileInfo},
};

// httpd's translate_alias_redir: the first redirect matching the URL answers (a 3xx with
// its Location, or 410); else the first alias matching it names the file; a ScriptAlias*
// also sets the handler "cgi-script".
class AliasHooks final : public ModuleHooks {
 public:
  int translate_name(RequestRec& r) const override {
    if (!r.server.redirects.empty()) {
      thread_local std::string location;
      const int status = map_redirect(r.server.redirects, r.req, r.ctx, r.url_path,
                                      r.server.server_name, &location);
      if (status != 0) {
        r.location = location;
        return status;
      }
    }
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
    if (m.alias->script) {
      r.handler = "cgi-script";
      r.script_aliased = true;
    }
    return kOk;
  }
};

const AliasHooks kHooks;

}  // namespace

extern const Module alias_module;  // listed in registry.cpp
const Module alias_module{
    .name = kMod,
    .source = "mod_alias.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kTranslateName),
};

}  // namespace tern::modules
