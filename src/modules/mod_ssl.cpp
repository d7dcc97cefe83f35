// ssl_module (mod_ssl.c): SSLEngine and the certificate directives, per server (main or
// <VirtualHost>). The contexts are built from them by modules/ssl/ssl_context.h; the
// listen addresses that serve TLS by server/tls_ports.h.

#include <sys/stat.h>

#include "config/config_files.h"
#include "config/config_values.h"
#include "config/directive_setters.h"
#include "modules/module.h"
#include "modules/registry.h"
#include "modules/ssl/ssl_config.h"
// The request side (SSLOptions, SSLVHostSNIPolicy, SSLStrictSNIVHostCheck, the fixup).
#include "config/dir_scope.h"
#include "modules/dir_configs.h"
#include "modules/ssl/sni_policy.h"
#include "modules/ssl/ssl_options.h"
#include "modules/ssl/ssl_vars.h"

namespace tern {

namespace {

// mod_ssl's merge of a certificate or key list: the vhost's entries first, then the
// inherited ones from the first position the vhost did not set.
std::vector<SslFileSpec> merged(const std::vector<SslFileSpec>& own,
                                const std::vector<SslFileSpec>& base) {
  std::vector<SslFileSpec> out = own;
  for (size_t i = own.size(); i < base.size(); ++i) out.push_back(base[i]);
  return out;
}

}  // namespace

std::vector<SslFileSpec> SslConfig::certificates() const {
  return merged(cert_files, base_cert_files);
}

std::vector<SslFileSpec> SslConfig::keys() const {
  return merged(key_files, base_key_files);
}

std::unique_ptr<ModuleConfig> SslConfig::merge(const ModuleConfig& add) const {
  return std::make_unique<SslConfig>(static_cast<const SslConfig&>(add));
}

namespace modules {
extern const Module ssl_module;
}  // namespace modules

const SslConfig* ssl_config(const Config& c) {
  const auto i = static_cast<size_t>(module_index(modules::ssl_module));
  return i < c.server_conf.size() ? static_cast<const SslConfig*>(c.server_conf[i].get()) : nullptr;
}

namespace modules {

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "ssl_module";

// The server's SslConfig being built: a vhost copies what it inherited before changing it.
SslConfig& server_ssl(BuildState& st) {
  const auto i = static_cast<size_t>(module_index(ssl_module));
  ModuleDirSlots& slots = st.cfg.server_conf;
  if (slots.size() <= i) slots.resize(i + 1);
  std::shared_ptr<ModuleConfig>& slot = slots[i];
  if (!slot) {
    slot = std::make_shared<SslConfig>();
  } else if (st.in_vhost && slot.use_count() > 1) {
    // Still the main server's object: this vhost gets its own, the lists as its base.
    auto own = std::make_shared<SslConfig>(static_cast<const SslConfig&>(*slot));
    own->base_cert_files = own->certificates();
    own->base_key_files = own->keys();
    own->cert_files.clear();
    own->key_files.clear();
    slot = std::move(own);
  }
  return static_cast<SslConfig&>(*slot);
}

// httpd's ssl_cmd_check_file: the path from ServerRoot, which must be a non-empty file.
std::string file_arg(BuildState& st, const Cmd& c, SslFileSpec& out) {
  out.path = resolve_path(st.server_root, c.args[0].text);
  out.file = c.file;
  out.line = c.line;
  struct stat sb {};
  if (::stat(out.path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0)
    return "file '" + out.path + "' does not exist or is empty";
  return "";
}

std::string set_ssl_engine(BuildState& st, const Cmd& c) {
  const std::string& v = c.args[0].text;
  SslConfig::Engine e;
  if (cfg::iequals(v, "on")) {
    e = SslConfig::Engine::kOn;
  } else if (cfg::iequals(v, "off")) {
    e = SslConfig::Engine::kOff;
  } else if (cfg::iequals(v, "optional") || cfg::iequals(v, "addr")) {
    return "SSLEngine " + shorten(v) +
           " is not supported by tern (RFC 2817 upgrade to TLS within HTTP/1.1 is not "
           "supported): use SSLEngine on";
  } else {
    return "Argument must be On, Off, or Optional";  // httpd's words
  }
  SslConfig& s = server_ssl(st);
  s.engine = e;
  s.engine_file = c.file;
  s.engine_line = c.line;
  return "";
}

std::string set_cert_file(BuildState& st, const Cmd& c) {
  SslFileSpec f;
  if (std::string err = file_arg(st, c, f); !err.empty()) return err;
  server_ssl(st).cert_files.push_back(std::move(f));
  return "";
}

std::string set_key_file(BuildState& st, const Cmd& c) {
  SslFileSpec f;
  if (std::string err = file_arg(st, c, f); !err.empty()) return err;
  server_ssl(st).key_files.push_back(std::move(f));
  return "";
}

std::string set_chain_file(BuildState& st, const Cmd& c) {
  SslFileSpec f;
  if (std::string err = file_arg(st, c, f); !err.empty()) return err;
  server_ssl(st).chain_file = std::move(f);
  return "";
}

// ---- The request side: SSLOptions, SNI checks and the environment fixup ----------------

// SSLOptions [+|-]StdEnvVars|ExportCertData|StrictRequire|OptRenegotiate … per directory.
std::string set_ssl_options(BuildState& st, const Cmd& c) {
  std::vector<std::string> words;
  for (const Word& w : c.args) words.push_back(w.text);
  return ssl::apply_ssl_options(cfg::dir_scope<ssl::SslDirConfig>(st, ssl_module), words);
}

std::string set_sni_policy(BuildState& st, const Cmd& c) {
  // Global in httpd (RSRC_CONF, read from the main server only): httpd's words for it.
  if (st.in_vhost) return "SSLVHostSNIPolicy cannot occur within <VirtualHost> section";
  return ssl::parse_sni_policy(c.args[0].text, &server_ssl(st).sni_policy);
}

std::string set_strict_sni(BuildState& st, const Cmd& c) {
  server_ssl(st).strict_sni_vhost_check = cfg::iequals(c.args[0].text, "on");
  return "";
}

// mod_ssl's ssl_hook_Fixup: HTTPS and SSL_TLS_SNI on every TLS request; the standard
// variables with +StdEnvVars, the certificates (PEM) with +ExportCertData.
class SslHooks final : public ModuleHooks {
 public:
  int fixups(RequestRec& r) const override {
    const Transport* t = r.ctx.transport;
    if (t == nullptr || t->scheme() != "https") return kDeclined;
    r.resp.set_env("HTTPS", "on");
    std::string v;
    if (t->tls_var("SSL_TLS_SNI", &v)) r.resp.set_env("SSL_TLS_SNI", v);
    static const int index = module_index(ssl_module);
    const ssl::SslDirConfig* dc =
        r.dir != nullptr ? dir_config<ssl::SslDirConfig>(*r.dir, index) : nullptr;
    const unsigned opts = dc != nullptr ? dc->options : 0;
    if ((opts & ssl::kOptStdEnvVars) != 0) {
      // modssl_var_extract_dns: the DN components (a repeated one as _CN_1, _CN_2, …).
      for (std::string_view pre :
           {"SSL_SERVER_S_DN_", "SSL_SERVER_I_DN_", "SSL_CLIENT_S_DN_", "SSL_CLIENT_I_DN_"}) {
        for (std::string_view tag : ssl::dn_extract_tags()) {
          std::string name = std::string(pre) + std::string(tag);
          for (int n = 0; t->tls_var(n == 0 ? name : name + "_" + std::to_string(n), &v); ++n)
            r.resp.set_env(n == 0 ? name : name + "_" + std::to_string(n), v);
        }
      }
      // modssl_var_extract_san_entries.
      for (std::string_view pre : {"SSL_SERVER_SAN_", "SSL_CLIENT_SAN_"}) {
        for (std::string_view kind : {"Email_", "DNS_"}) {
          const std::string base = std::string(pre) + std::string(kind);
          for (int n = 0; t->tls_var(base + std::to_string(n), &v); ++n)
            r.resp.set_env(base + std::to_string(n), v);
        }
      }
      for (std::string_view name : ssl::std_env_var_names()) {
        if (t->tls_var(name, &v)) r.resp.set_env(std::string(name), v);
      }
    }
    if ((opts & ssl::kOptExportCertData) != 0) {
      // Set even when empty, as mod_ssl (no client certificate: SSL_CLIENT_CERT=).
      for (std::string_view name : {"SSL_SERVER_CERT", "SSL_CLIENT_CERT"}) {
        if (!t->tls_var(name, &v)) v.clear();
        r.resp.set_env(std::string(name), v);
      }
    }
    return kDeclined;
  }
};

const SslHooks kHooks;

// ---- end of the request side -------------------------------------------------------

const DirectiveSpec kDirectives[] = {
    {"SSLEngine", kCtxServer, Args::kTake1, set_ssl_engine, "SSL switch for the protocol engine",
     kMod, kOverrideNone},
    {"SSLCertificateFile", kCtxServer, Args::kTake1, set_cert_file, "SSL Server Certificate file",
     kMod, kOverrideNone},
    {"SSLCertificateKeyFile", kCtxServer, Args::kTake1, set_key_file, "SSL Server Private Key file",
     kMod, kOverrideNone},
    {"SSLCertificateChainFile", kCtxServer, Args::kTake1, set_chain_file,
     "SSL Server CA Certificate Chain file", kMod, kOverrideNone},
    // The request side.
    {"SSLOptions", kCtxServer | kCtxDir, Args::kIterate, set_ssl_options,
     "Set one or more options to configure the SSL engine", kMod, kOverrideOptions},
    {"SSLVHostSNIPolicy", kCtxServer, Args::kTake1, set_sni_policy,
     "Set compatibility policy for SNI client access to virtual hosts", kMod, kOverrideNone},
    {"SSLStrictSNIVHostCheck", kCtxServer, Args::kFlag, set_strict_sni,
     "Strict SNI virtual host checking", kMod, kOverrideNone},
};

}  // namespace

const Module ssl_module{
    .name = kMod,
    .source = "mod_ssl.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kFixups),
};

}  // namespace modules
}  // namespace tern
