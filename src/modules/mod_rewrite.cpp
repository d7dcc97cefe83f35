// rewrite_module (mod_rewrite.c), the server-level part tern implements: RewriteEngine,
// RewriteCond and RewriteRule in the main server or a <VirtualHost> (each its own rules,
// as without `RewriteOptions Inherit`), run at translate_name before mod_alias. Rules that
// redirect ([R]), forbid ([F]), answer gone ([G]) or only stop the walk ('-' with [L]) are
// applied; what tern cannot do yet is refused when the configuration is read.

#include "config/build_state.h"
#include "config/config_values.h"
#include "http/server_url.h"
#include "modules/registry.h"
#include "modules/rewrite/rewrite_engine.h"

namespace tern::modules {

extern const Module rewrite_module;  // defined below, listed in registry.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "rewrite_module";

std::vector<std::string_view> words(const Cmd& c) {
  std::vector<std::string_view> out;
  for (const Word& w : c.args) out.push_back(w.text);
  return out;
}

std::string per_directory(const Cmd& c) {
  return c.name +
         " in <Directory>, <Location>, <Files> or .htaccess (per-directory rewriting) is not "
         "supported by tern yet; put the rules in the server or its <VirtualHost>";
}

std::string set_engine(BuildState& st, const Cmd& c) {
  if ((c.ctx & (kCtxServer | kCtxVirtualHost)) == 0) return per_directory(c);
  if (c.args.size() != 1) return "RewriteEngine takes one argument, 'on' or 'off'";
  const std::string_view v = c.args[0].text;
  if (!tern::iequals(v, "on") && !tern::iequals(v, "off")) return "RewriteEngine must be On or Off";
  st.cfg.rewrite.engine = tern::iequals(v, "on");
  return "";
}

std::string set_cond(BuildState& st, const Cmd& c) {
  if ((c.ctx & (kCtxServer | kCtxVirtualHost)) == 0) return per_directory(c);
  RewriteCondSpec cond;
  std::string err = parse_rewrite_cond(words(c), st.regex_options, &cond);
  if (!err.empty()) return err;
  st.cfg.rewrite.pending.push_back(std::move(cond));
  return "";
}

std::string set_rule(BuildState& st, const Cmd& c) {
  if ((c.ctx & (kCtxServer | kCtxVirtualHost)) == 0) return per_directory(c);
  RewriteRuleSpec rule;
  std::string err = parse_rewrite_rule(words(c), st.regex_options, &rule);
  if (!err.empty()) return err;
  rule.conds = std::move(st.cfg.rewrite.pending);
  st.cfg.rewrite.pending.clear();
  st.cfg.rewrite.rules.push_back(std::move(rule));
  return "";
}

std::string refuse(BuildState&, const Cmd& c) {
  if (c.name == "RewriteBase") return per_directory(c);
  return c.name + " is not supported by tern's mod_rewrite yet";
}

const DirectiveSpec kDirectives[] = {
    {"RewriteEngine", kCtxServer | kCtxDir, Args::kIterate, set_engine,
     "On or Off to enable or disable (default) the whole rewriting engine", kMod,
     kOverrideFileInfo},
    {"RewriteCond", kCtxServer | kCtxDir, Args::kIterate, set_cond,
     "an input string and a to be applied regexp-pattern", kMod, kOverrideFileInfo},
    {"RewriteRule", kCtxServer | kCtxDir, Args::kIterate, set_rule,
     "an URL-applied regexp-pattern and a substitution URL", kMod, kOverrideFileInfo},
    {"RewriteOptions", kCtxServer | kCtxDir, Args::kIterate, refuse,
     "List of option strings to set", kMod, kOverrideFileInfo},
    {"RewriteBase", kCtxServer | kCtxDir, Args::kIterate, refuse,
     "the base URL of the per-directory context", kMod, kOverrideFileInfo},
    {"RewriteMap", kCtxServer, Args::kIterate, refuse, "a mapname and a filename and options", kMod,
     kOverrideNone},
};

// httpd's hook_uri2file for the server's rules.
class RewriteHooks final : public ModuleHooks {
 public:
  int translate_name(RequestRec& r) const override {
    const RewriteServerConfig& conf = r.server.rewrite;
    if (!conf.engine || conf.rules.empty()) return kDeclined;
    if (r.url_path.empty() || r.url_path.front() != '/') return kDeclined;
    std::string_view host;
    uint16_t port = 0;
    split_server_name(r.server.server_name, &host, &port);
    RewriteRequest rr{
        &r.req, &r.ctx, r.url_path, host, port, r.server.document_root, r.server.server_admin,
        &r.resp};
    RewriteResult res = apply_rewrite_rules(conf.rules, rr);
    if (res.status == 0) return kDeclined;
    thread_local std::string location;
    location = std::move(res.location);
    r.location = location;
    return res.status;
  }
};

const RewriteHooks kHooks;

}  // namespace

const Module rewrite_module{
    .name = kMod,
    .source = "mod_rewrite.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kTranslateName),
    .first_phases = phase_bit(Phase::kTranslateName),
};

}  // namespace tern::modules
