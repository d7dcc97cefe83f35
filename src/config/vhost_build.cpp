#include "config/vhost_build.h"

#include "config/config_files.h"
#include "config/config_values.h"
#include "config/directive_setters.h"
#include "config/directives_vhost.h"

namespace tern::cfg {

namespace {

// "<Location" -> "<Location>", other names unchanged (as the parser shows them).
std::string shown(const std::string& name) {
  return !name.empty() && name.front() == '<' ? name + ">" : name;
}

// httpd's merge of a module's server-level per-directory configuration (lookup_defaults):
// the main server's, merged with what the vhost sets itself.
ModuleDirSlots merge_slots(const ModuleDirSlots& base, const ModuleDirSlots& add) {
  ModuleDirSlots out(std::max(base.size(), add.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& b = i < base.size() ? base[i] : nullptr;
    const auto& a = i < add.size() ? add[i] : nullptr;
    if (b && a) {
      out[i] = std::shared_ptr<ModuleConfig>(b->merge(*a));
    } else {
      out[i] = b ? b : a;
    }
  }
  return out;
}

// The ServerName a vhost without one gets (ap_fini_vhost_config): the main server's when
// it has a wildcard address, else its first address (httpd asks the DNS for a name).
std::string default_name(const VhostDraft& d, const std::string& main_name) {
  for (const VhostAddress& a : d.addresses) {
    if (a.ip.empty()) return main_name;
  }
  if (d.addresses.empty()) return "bogus_host_without_forward_dns";
  const std::string& ip = d.addresses.front().ip;
  return ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
}

// True when the section itself has a ServerName.
bool sets_server_name(const VhostDraft& d) {
  for (const RecordedDirective& r : d.directives) {
    if (r.cmd.name == "ServerName") return true;
  }
  return false;
}

// Applies the recorded directives of `d` to `v` (a copy of the main server's state).
void replay(BuildState& main, BuildState& v, const VhostDraft& d) {
  for (const RecordedDirective& r : d.directives) {
    Cmd cmd = r.cmd;
    if (cmd.ctx == kCtxVirtualHost) cmd.ctx = kCtxServer;
    const std::string_view why = cmd.ctx == kCtxServer ? main_server_only(cmd.name) : "";
    if (!why.empty() && cmd.name != "ErrorLog" &&
        main.ignored_warned.insert("<VirtualHost>" + cmd.name).second)
      main.warn({cmd.file, cmd.line},
                cmd.name + " inside <VirtualHost> has no effect in tern: " + std::string(why));
    std::string err = r.apply(v, cmd);
    if (!err.empty()) main.add_error(format_error(cmd.file, cmd.line, shown(cmd.name), err));
  }
}

}  // namespace

void finish_site(BuildState& st) {
  Config& c = st.cfg;
  if (c.document_root.empty()) c.document_root = resolve_path(st.server_root, "htdocs");
  if (c.error_log.empty()) c.error_log = resolve_path(st.server_root, "logs/error_log");
  if (c.pid_file.empty()) c.pid_file = resolve_path(st.server_root, "logs/httpd.pid");
  if (c.types_config.empty() && !st.was_set("TypesConfig") && is_file("/etc/mime.types"))
    c.types_config = "/etc/mime.types";
  finish_server_location(st);
}

void build_vhosts(BuildState& st) {
  std::vector<VhostDraft> drafts = std::move(st.vhosts);
  st.vhosts.clear();
  std::vector<VirtualHostSpec> specs;
  for (const VhostDraft& d : drafts) {
    BuildState v = st;
    v.in_vhost = true;
    v.recording = -1;
    v.current_location = -1;
    v.cfg.custom_logs.clear();
    v.cfg.script_aliases.clear();
    v.cfg.redirects.clear();
    v.cfg.rewrite = {};  // mod_rewrite: no RewriteOptions Inherit, so nothing is inherited
    v.cfg.server_module_dir.clear();
    v.cfg.warnings.clear();
    v.directory_index_set = false;
    replay(st, v, d);
    Config& c = v.cfg;
    for (std::string& w : c.warnings) st.cfg.warnings.push_back(std::move(w));
    c.warnings.clear();
    VirtualHostSpec spec;
    spec.own_logs = !c.custom_logs.empty();
    if (!spec.own_logs) c.custom_logs = st.cfg.custom_logs;
    // mod_alias's merge_alias_config: the vhost's aliases and redirects come first.
    c.script_aliases.insert(c.script_aliases.end(), st.cfg.script_aliases.begin(),
                            st.cfg.script_aliases.end());
    c.redirects.insert(c.redirects.end(), st.cfg.redirects.begin(), st.cfg.redirects.end());
    c.server_module_dir = merge_slots(st.cfg.server_module_dir, c.server_module_dir);
    if (!sets_server_name(d)) c.server_name = default_name(d, st.cfg.server_name);
    // mod_mime reads the main server's TypesConfig only.
    c.types_config = st.cfg.types_config;
    finish_site(v);
    std::string main_log = st.cfg.error_log.empty() ? resolve_path(st.server_root, "logs/error_log")
                                                    : st.cfg.error_log;
    if (c.error_log != main_log && st.ignored_warned.insert("<VirtualHost>ErrorLog").second)
      st.warn({d.file, d.line}, "ErrorLog inside <VirtualHost> has no effect in tern: " +
                                    std::string(main_server_only("ErrorLog")));
    c.error_log = main_log;
    spec.addresses = d.addresses;
    spec.file = d.file;
    spec.line = d.line;
    spec.config = std::make_shared<const Config>(std::move(c));
    specs.push_back(std::move(spec));
  }
  st.cfg.virtual_hosts = std::move(specs);
}

}  // namespace tern::cfg
