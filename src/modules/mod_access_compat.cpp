// access_compat_module (mod_access_compat.c): Order, Allow, Deny and Satisfy.

#include <string>
#include <vector>

#include "config/config_values.h"
#include "config/dir_scope.h"
#include "config/directive_table.h"
#include "handlers/authz.h"
#include "http/request.h"
#include "log/error_log.h"
#include "modules/access_compat.h"
#include "modules/dir_configs.h"

namespace tern {

namespace {

// httpd's order values.
enum class Order { kDenyThenAllow, kAllowThenDeny, kMutualFailure };

// One `Allow from` / `Deny from` argument (httpd's allowdeny).
struct AllowDeny {
  enum class Kind { kEnv, kNotEnv, kAll, kIp } kind = Kind::kAll;
  std::string env;  // kEnv / kNotEnv: the variable's name
  IpBlock block;    // kIp
};

// httpd's access_compat_dir_conf for one scope. httpd has no merger: the innermost scope
// that uses any of the module's directives replaces the enclosing ones' whole.
struct AccessCompatDirConfig final : ModuleConfig {
  Order order = Order::kDenyThenAllow;
  std::vector<AllowDeny> allows;
  std::vector<AllowDeny> denys;
  Satisfy satisfy = Satisfy::kNoSpec;
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override {
    return std::make_unique<AccessCompatDirConfig>(static_cast<const AccessCompatDirConfig&>(add));
  }
};

// httpd's find_allowdeny: true when one entry of `list` matches the request.
bool find_allowdeny(const RequestRec& r, const std::vector<AllowDeny>& list) {
  std::optional<std::array<uint8_t, 16>> client;
  bool parsed = false;
  for (const AllowDeny& a : list) {
    switch (a.kind) {
      case AllowDeny::Kind::kEnv:
        if (r.resp.env_value(a.env)) return true;
        break;
      case AllowDeny::Kind::kNotEnv:
        if (!r.resp.env_value(a.env)) return true;
        break;
      case AllowDeny::Kind::kAll:
        return true;
      case AllowDeny::Kind::kIp:
        if (!parsed) {
          client = parse_ip_address(r.ctx.client_ip);
          parsed = true;
        }
        if (client && a.block.contains(*client)) return true;
        break;
    }
  }
  return false;
}

}  // namespace

namespace modules {
extern const Module access_compat_module;
}  // namespace modules

namespace {

const AccessCompatDirConfig* config_of(const DirConfigs& dir) {
  static const int index = module_index(modules::access_compat_module);
  return dir_config<AccessCompatDirConfig>(dir, index);
}

}  // namespace

Satisfy satisfies(const DirConfigs& dir) {
  const AccessCompatDirConfig* c = config_of(dir);
  return c != nullptr ? c->satisfy : Satisfy::kNoSpec;
}

int check_host_access(const RequestRec& r) {
  const AccessCompatDirConfig* a = r.dir != nullptr ? config_of(*r.dir) : nullptr;
  if (a == nullptr) return kOk;  // httpd's default: Order Deny,Allow with no entries
  bool allowed = true;
  switch (a->order) {
    case Order::kAllowThenDeny:
      allowed = find_allowdeny(r, a->allows) && !find_allowdeny(r, a->denys);
      break;
    case Order::kDenyThenAllow:
      allowed = !find_allowdeny(r, a->denys) || find_allowdeny(r, a->allows);
      break;
    case Order::kMutualFailure:
      allowed = find_allowdeny(r, a->allows) && !find_allowdeny(r, a->denys);
      break;
  }
  if (allowed) return kOk;
  if (ErrorLog::enabled(LogLevel::kError)) {
    std::string msg = client_prefix(r.ctx.client_ip, r.ctx.client_port) +
                      "AH01797: client denied by server configuration: ";
    if (r.filename.empty()) {
      msg += "uri ";
      msg += r.url_path;
    } else {
      msg += r.filename;
    }
    ErrorLog::write(LogLevel::kError, "access_compat", msg);
  }
  return 403;
}

namespace cfg {

namespace {

AccessCompatDirConfig& conf_of(BuildState& st) {
  return dir_scope<AccessCompatDirConfig>(st, modules::access_compat_module);
}

std::string set_order(BuildState& st, const Cmd& c) {
  const std::string_view arg = c.args[0].text;
  Order o;
  if (iequals(arg, "allow,deny")) {
    o = Order::kAllowThenDeny;
  } else if (iequals(arg, "deny,allow")) {
    o = Order::kDenyThenAllow;
  } else if (iequals(arg, "mutual-failure")) {
    o = Order::kMutualFailure;
  } else {
    return "unknown order";
  }
  conf_of(st).order = o;
  return "";
}

std::string set_satisfy(BuildState& st, const Cmd& c) {
  const std::string_view arg = c.args[0].text;
  if (iequals(arg, "all")) {
    conf_of(st).satisfy = Satisfy::kAll;
  } else if (iequals(arg, "any")) {
    conf_of(st).satisfy = Satisfy::kAny;
  } else {
    return "Satisfy either 'any' or 'all'.";
  }
  return "";
}

// One `from` argument of Allow/Deny; an error or "".
std::string parse_from(std::string_view where, AllowDeny& a) {
  if (where.size() >= 5 && iequals(where.substr(0, 5), "env=!")) {
    a.kind = AllowDeny::Kind::kNotEnv;
    a.env = where.substr(5);
    return "";
  }
  if (where.size() >= 4 && iequals(where.substr(0, 4), "env=")) {
    a.kind = AllowDeny::Kind::kEnv;
    a.env = where.substr(4);
    return "";
  }
  if (iequals(where, "all")) {
    a.kind = AllowDeny::Kind::kAll;
    return "";
  }
  if (auto b = parse_ip_block(where)) {
    a.kind = AllowDeny::Kind::kIp;
    a.block = *b;
    return "";
  }
  if (where.find('/') != std::string_view::npos) return "An IP address was expected";
  if (where.find('#') != std::string_view::npos) return "No comments are allowed here";
  // httpd matches host names after a double-reverse DNS lookup of the client; tern does
  // no DNS lookups (HostnameLookups Off), so such a rule could never match as intended.
  return "'" + std::string(where) +
         "' is a host name: tern does not look clients up in DNS (HostnameLookups Off), so "
         "it cannot match host names; use IP addresses, networks (10.0.0.0/8) or env=";
}

std::string set_allow_deny(BuildState& st, const Cmd& c, bool allow) {
  if (!iequals(c.args[0].text, "from")) return "allow and deny must be followed by 'from'";
  AccessCompatDirConfig& conf = conf_of(st);
  for (size_t i = 1; i < c.args.size(); ++i) {
    AllowDeny a;
    std::string err = parse_from(c.args[i].text, a);
    if (!err.empty()) return err;
    (allow ? conf.allows : conf.denys).push_back(std::move(a));
  }
  return "";
}

std::string set_allow(BuildState& st, const Cmd& c) {
  return set_allow_deny(st, c, true);
}

std::string set_deny(BuildState& st, const Cmd& c) {
  return set_allow_deny(st, c, false);
}

constexpr std::string_view kMod = "access_compat_module";

// Context "directory, .htaccess" as in httpd (OR_LIMIT / OR_AUTHCFG: not server config).
const DirectiveSpec kDirectives[] = {
    {"Order", kCtxDir, Args::kTake1, set_order, "'allow,deny', 'deny,allow', or 'mutual-failure'",
     kMod, kOverrideLimit},
    {"Allow", kCtxDir, Args::kIterate2, set_allow,
     "'from' followed by hostnames or IP-address wildcards", kMod, kOverrideLimit},
    {"Deny", kCtxDir, Args::kIterate2, set_deny,
     "'from' followed by hostnames or IP-address wildcards", kMod, kOverrideLimit},
    {"Satisfy", kCtxDir, Args::kTake1, set_satisfy,
     "access policy if both allow and require used ('all' or 'any')", kMod, kOverrideAuthConfig},
};

}  // namespace

}  // namespace cfg

namespace {

// access_checker (httpd's check_dir_access), under either Satisfy: what a refusal means
// is the pipeline's ap_satisfies switch (SiteHandler::run_access).
class AccessCompatHooks final : public ModuleHooks {
 public:
  int access_checker(RequestRec& r) const override {
    if (r.dir == nullptr) return kDeclined;
    return check_host_access(r);
  }
};

const AccessCompatHooks kHooks;

}  // namespace

namespace modules {

const Module access_compat_module{
    .name = "access_compat_module",
    .source = "mod_access_compat.c",
    .directives = cfg::kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kAccessChecker),
};

}  // namespace modules

}  // namespace tern
