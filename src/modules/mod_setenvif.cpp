// setenvif_module (mod_setenvif.c): SetEnvIf, SetEnvIfNoCase, BrowserMatch and
// BrowserMatchNoCase set request environment variables from the request. Lines at the
// server level run at post_read_request, those in sections at header_parser (httpd's
// match_headers, run twice); the variables reach %{VAR}e, CGI and CustomLog env=.

#include "config/dir_scope.h"
#include "log/error_log.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"
#include "modules/setenvif/setenvif_rules.h"

namespace tern::modules {

extern const Module setenvif_module;  // defined below, listed in registry.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "setenvif_module";

// The rule list a line in context `ctx` belongs to.
std::vector<SetEnvIfRule>& rules_for(BuildState& st, const Cmd& c) {
  SetEnvIfDirConfig& conf = dir_scope<SetEnvIfDirConfig>(st, setenvif_module);
  const bool server = (c.ctx & (kCtxServer | kCtxVirtualHost)) != 0;
  return server ? conf.server_rules : conf.dir_rules;
}

// attribute regex [!]var[=value]…, from argument `first` on (BrowserMatch: the
// attribute is User-Agent).
std::string add_rule(BuildState& st, const Cmd& c, std::string_view attribute, size_t first,
                     bool icase) {
  if (c.args.size() < first + 2) return "requires at least two arguments";
  std::vector<std::string_view> vars;
  for (size_t i = first + 1; i < c.args.size(); ++i) vars.push_back(c.args[i].text);
  SetEnvIfRule rule;
  std::string err =
      parse_setenvif(attribute, c.args[first].text, vars, icase, st.regex_options, &rule);
  if (!err.empty()) return err;
  rules_for(st, c).push_back(std::move(rule));
  return "";
}

std::string set_setenvif(BuildState& st, const Cmd& c) {
  if (c.args.size() < 3) return "requires at least three arguments";
  return add_rule(st, c, c.args[0].text, 1, false);
}

std::string set_setenvif_nocase(BuildState& st, const Cmd& c) {
  if (c.args.size() < 3) return "requires at least three arguments";
  return add_rule(st, c, c.args[0].text, 1, true);
}

std::string set_browser_match(BuildState& st, const Cmd& c) {
  return add_rule(st, c, "User-Agent", 0, false);
}

std::string set_browser_match_nocase(BuildState& st, const Cmd& c) {
  return add_rule(st, c, "User-Agent", 0, true);
}

std::string set_setenvif_expr(BuildState&, const Cmd&) {
  return "SetEnvIfExpr is not supported by tern (ap_expr expressions are not implemented); "
         "use SetEnvIf";
}

const DirectiveSpec kDirectives[] = {
    {"SetEnvIf", kCtxServer | kCtxDir, Args::kIterate, set_setenvif,
     "Sets environment variables based on attributes of the request", kMod, kOverrideFileInfo},
    {"SetEnvIfNoCase", kCtxServer | kCtxDir, Args::kIterate, set_setenvif_nocase,
     "Sets environment variables based on attributes of the request without respect to case", kMod,
     kOverrideFileInfo},
    {"SetEnvIfExpr", kCtxServer | kCtxDir, Args::kIterate, set_setenvif_expr,
     "Sets environment variables based on an ap_expr expression", kMod, kOverrideFileInfo},
    {"BrowserMatch", kCtxServer | kCtxDir, Args::kIterate, set_browser_match,
     "Sets environment variables conditional on HTTP User-Agent", kMod, kOverrideFileInfo},
    {"BrowserMatchNoCase", kCtxServer | kCtxDir, Args::kIterate, set_browser_match_nocase,
     "Sets environment variables conditional on User-Agent without respect to case", kMod,
     kOverrideFileInfo},
};

int index() {
  static const int i = module_index(setenvif_module);
  return i;
}

// httpd's match_headers, failing the request on AH01505.
int run(const std::vector<SetEnvIfRule>& rules, RequestRec& r) {
  if (rules.empty()) return kDeclined;
  if (apply_setenvif(rules, {&r.req, &r.ctx, r.url_path}, r.resp)) return kDeclined;
  if (ErrorLog::enabled(LogLevel::kError)) {
    std::string ip(r.ctx.client_ip);
    ErrorLog::printf(LogLevel::kError, "setenvif",
                     "[client %s:%u] AH01505: Regular expression replacement failed "
                     "(replacement too long?)",
                     ip.c_str(), r.ctx.client_port);
  }
  return 500;
}

class SetEnvIfHooks final : public ModuleHooks {
 public:
  int post_read_request(RequestRec& r) const override {
    const auto i = static_cast<size_t>(index());
    const ModuleDirSlots& slots = r.server.server_module_dir;
    if (i >= slots.size() || slots[i] == nullptr) return kDeclined;
    return run(static_cast<const SetEnvIfDirConfig&>(*slots[i]).server_rules, r);
  }
  int header_parser(RequestRec& r) const override {
    if (r.dir == nullptr) return kDeclined;
    const SetEnvIfDirConfig* c = dir_config<SetEnvIfDirConfig>(*r.dir, index());
    return c != nullptr ? run(c->dir_rules, r) : kDeclined;
  }
};

const SetEnvIfHooks kHooks;

}  // namespace

const Module setenvif_module{
    .name = kMod,
    .source = "mod_setenvif.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kPostReadRequest) | phase_bit(Phase::kHeaderParser),
};

}  // namespace tern::modules
