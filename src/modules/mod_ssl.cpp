// ssl_module (mod_ssl.c): its directives, per server (main or <VirtualHost>) and, for
// SSLOptions, SSLRequireSSL, SSLVerifyClient, SSLVerifyDepth, SSLUserName and
// SSLRenegBufferSize, per directory; the request hooks are in
// modules/ssl/ssl_request_hooks.h. The contexts are built
// from them by modules/ssl/ssl_context.h; the listen addresses that serve TLS by
// server/tls_ports.h.

#include <sys/stat.h>

#include <cstdlib>

#include "config/config_files.h"
#include "config/config_values.h"
#include "config/directive_setters.h"
#include "modules/module.h"
#include "modules/registry.h"
#include "modules/ssl/ssl_config.h"
// The request side (SSLOptions, SSLRequireSSL, SSLVHostSNIPolicy, SSLStrictSNIVHostCheck).
#include "config/dir_scope.h"
#include "modules/dir_configs.h"
#include "modules/ssl/sni_policy.h"
#include "modules/ssl/ssl_options.h"
#include "modules/ssl/ssl_request_hooks.h"

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

// ---- The request side: SSLOptions and the SNI checks ----------------

// SSLOptions [+|-]StdEnvVars|ExportCertData|StrictRequire|OptRenegotiate … per directory.
std::string set_ssl_options(BuildState& st, const Cmd& c) {
  std::vector<std::string> words;
  for (const Word& w : c.args) words.push_back(w.text);
  return ssl::apply_ssl_options(cfg::dir_scope<ssl::SslDirConfig>(st, ssl_module), words);
}

// SSLRequireSSL: from this scope down, only requests over TLS (mod_ssl's bSSLRequired; a
// nested scope cannot turn it off). httpd 2.4 ignores any arguments, and so does tern.
std::string set_require_ssl(BuildState& st, const Cmd&) {
  cfg::dir_scope<ssl::SslDirConfig>(st, ssl_module).require_ssl = true;
  return "";
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

// ---- end of the request side -------------------------------------------------------
// --- The policy directives (modules/ssl/*.h), applied by configure_context. ---

// A policy function's message without its leading "Directive: " (the loader adds
// "FILE:LINE: Directive: ").
std::string bare(std::string msg, std::string_view directive) {
  const std::string prefix = std::string(directive) + ": ";
  if (msg.starts_with(prefix)) msg.erase(0, prefix.size());
  return msg;
}

template <class T>
void mark(SslSetting<T>& s, const Cmd& c) {
  s.set = true;
  s.file = c.file;
  s.line = c.line;
}

std::vector<std::string> words_of(const Cmd& c) {
  std::vector<std::string> w;
  for (const Word& a : c.args) w.push_back(a.text);
  return w;
}

std::string set_protocol(BuildState& st, const Cmd& c) {
  ssl::SslProtocols p;
  std::vector<std::string> warnings;
  std::string err = ssl::parse_ssl_protocol(words_of(c), &p, &warnings);
  if (!err.empty()) return bare(err, "SSLProtocol");
  for (const std::string& w : warnings)
    st.cfg.warnings.push_back(c.file + ":" + std::to_string(c.line) + ": SSLProtocol: " + w);
  SslConfig& s = server_ssl(st);
  s.protocol.value = p;
  mark(s.protocol, c);
  return "";
}

std::string set_cipher_suite(BuildState& st, const Cmd& c) {
  SslConfig& s = server_ssl(st);
  ssl::CipherPolicy p = s.ciphers.set ? s.ciphers.value : ssl::default_cipher_policy();
  std::string err = ssl::parse_ssl_cipher_suite(words_of(c), &p);
  if (!err.empty()) return bare(err, "SSLCipherSuite");
  s.ciphers.value = p;
  mark(s.ciphers, c);
  return "";
}

// An on|off directive into `field` of the server's SslConfig.
std::string set_ssl_flag(BuildState& st, const Cmd& c, SslSetting<bool> SslConfig::*field) {
  bool on = false;
  if (std::string err = parse_flag(c.args[0].text, on); !err.empty()) return err;
  SslConfig& s = server_ssl(st);
  (s.*field).value = on;
  mark(s.*field, c);
  return "";
}

std::string set_honor_cipher_order(BuildState& st, const Cmd& c) {
  return set_ssl_flag(st, c, &SslConfig::honor_cipher_order);
}

std::string set_openssl_conf_cmd(BuildState& st, const Cmd& c) {
  SslConfCmdAt at;
  std::string err =
      ssl::parse_openssl_conf_cmd(c.args[0].text, c.args[1].text, st.server_root, &at.cmd);
  if (!err.empty()) return bare(err, "SSLOpenSSLConfCmd");
  at.file = c.file;
  at.line = c.line;
  server_ssl(st).conf_cmds.push_back(std::move(at));
  return "";
}

// SSLVerifyClient none|optional|require|optional_no_ca: in the server context the virtual
// host's handshake asks for the certificate; in a directory section (or .htaccess under
// AuthConfig) the request asks for it afterwards (TLS 1.3 post-handshake authentication,
// ssl_request_hooks.cpp), as mod_ssl's per-directory form.
std::string set_verify_client(BuildState& st, const Cmd& c) {
  ssl::VerifyClient v;
  std::string err = ssl::parse_ssl_verify_client(c.args[0].text, &v);
  if (!err.empty()) return bare(err, "SSLVerifyClient");
  if ((c.ctx & (kCtxDir | kCtxHtaccess)) != 0) {
    cfg::dir_scope<ssl::SslDirConfig>(st, ssl_module).verify_client = static_cast<int>(v);
    return "";
  }
  SslConfig& s = server_ssl(st);
  s.verify_client.value = v;
  mark(s.verify_client, c);
  return "";
}

// SSLVerifyDepth n: the server's, or a directory's (a smaller depth than the connection's
// asks for the certificate again, as mod_ssl).
std::string set_verify_depth(BuildState& st, const Cmd& c) {
  int depth = 0;
  std::string err = ssl::parse_ssl_verify_depth(c.args[0].text, &depth);
  if (!err.empty()) return bare(err, "SSLVerifyDepth");
  if ((c.ctx & (kCtxDir | kCtxHtaccess)) != 0) {
    cfg::dir_scope<ssl::SslDirConfig>(st, ssl_module).verify_depth = depth;
    return "";
  }
  SslConfig& s = server_ssl(st);
  s.verify_depth.value = depth;
  mark(s.verify_depth, c);
  return "";
}

// SSLUserName varname: the request's user (REMOTE_USER, %u) is that SSL variable's value
// (mod_ssl: any variable ssl_var_lookup knows; tern: the SSL_* ones, else refused).
std::string set_user_name(BuildState& st, const Cmd& c) {
  const std::string& name = c.args[0].text;
  if (name.rfind("SSL_", 0) != 0) {
    return "tern takes only an SSL_* variable here (such as SSL_CLIENT_S_DN_CN), not '" + name +
           "'";
  }
  cfg::dir_scope<ssl::SslDirConfig>(st, ssl_module).user_name = name;
  return "";
}

// SSLRenegBufferSize bytes: how much of a request body is read into memory before the
// client is asked for its certificate after the handshake (atoi, as mod_ssl).
std::string set_reneg_buffer_size(BuildState& st, const Cmd& c) {
  const int size = std::atoi(c.args[0].text.c_str());
  if (size < 0) return "Invalid size for SSLRenegBufferSize: " + c.args[0].text;
  cfg::dir_scope<ssl::SslDirConfig>(st, ssl_module).reneg_buffer_size = size;
  return "";
}

std::string set_ca_file(BuildState& st, const Cmd& c) {
  SslFileSpec f;
  if (std::string err = file_arg(st, c, f); !err.empty()) return err;
  SslConfig& s = server_ssl(st);
  s.ca_file.value = f.path;
  mark(s.ca_file, c);
  return "";
}

std::string set_ticket_key_file(BuildState& st, const Cmd& c) {
  SslFileSpec f;
  if (std::string err = file_arg(st, c, f); !err.empty()) return err;
  SslConfig& s = server_ssl(st);
  s.ticket_key_file.value = f.path;
  mark(s.ticket_key_file, c);
  return "";
}

std::string set_ca_path(BuildState& st, const Cmd& c) {
  const std::string p = resolve_path(st.server_root, c.args[0].text);
  struct stat sb {};
  if (::stat(p.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode))
    return "directory '" + p + "' does not exist";
  SslConfig& s = server_ssl(st);
  s.ca_path.value = p;
  mark(s.ca_path, c);
  return "";
}

std::string set_session_cache(BuildState& st, const Cmd& c) {
  if (st.in_vhost) return "not allowed in <VirtualHost> (one cache serves every server)";
  const std::string& v = c.args[0].text;
  const size_t colon = v.find(':');
  const std::string provider = v.substr(0, colon);
  if (!cfg::iequals(provider, "none") && !cfg::iequals(provider, "nonenotnull") &&
      !cfg::iequals(provider, "shmcb"))
    return "session cache provider '" + shorten(provider) +
           "' is not supported by tern (none, nonenotnull or shmcb:path(size))";
  ssl::SessionCacheConfig cc;
  if (std::string err = ssl::parse_ssl_session_cache(v, &cc); !err.empty())
    return bare(err, "SSLSessionCache");
  SslConfig& s = server_ssl(st);
  s.session_cache.value = cc;
  mark(s.session_cache, c);
  return "";
}

std::string set_session_cache_timeout(BuildState& st, const Cmd& c) {
  long t = 0;
  std::string err = ssl::parse_ssl_session_cache_timeout(c.args[0].text, &t);
  if (!err.empty()) return bare(err, "SSLSessionCacheTimeout");
  SslConfig& s = server_ssl(st);
  s.session_cache_timeout.value = t;
  mark(s.session_cache_timeout, c);
  return "";
}

std::string set_session_tickets(BuildState& st, const Cmd& c) {
  return set_ssl_flag(st, c, &SslConfig::session_tickets);
}

// SSLRecordLayer auto|tern|openssl (tern's own): who seals TLS 1.3 application data.
std::string set_record_layer(BuildState& st, const Cmd& c) {
  if (st.in_vhost) return "not allowed in <VirtualHost> (it applies to every TLS connection)";
  const std::string& v = c.args[0].text;
  SslConfig::RecordLayer r;
  if (cfg::iequals(v, "auto")) {
    r = SslConfig::RecordLayer::kAuto;
  } else if (cfg::iequals(v, "tern")) {
    r = SslConfig::RecordLayer::kTern;
  } else if (cfg::iequals(v, "openssl")) {
    r = SslConfig::RecordLayer::kOpenSsl;
  } else {
    return "'" + shorten(v) + "' is not auto, tern or openssl";
  }
  SslConfig& s = server_ssl(st);
  s.record_layer.value = r;
  mark(s.record_layer, c);
  return "";
}

std::string set_compression(BuildState&, const Cmd& c) {
  bool on = false;
  if (std::string err = parse_flag(c.args[0].text, on); !err.empty()) return err;
  if (on) return "SSLCompression on is not supported by tern (compression enables CRIME)";
  return "";  // off: tern never compresses TLS records
}

// SSLInsecureRenegotiation off: what tern does anyway (it refuses every renegotiation, secure
// or not); on (RFC 5746's unsafe legacy renegotiation) is refused.
std::string set_insecure_renegotiation(BuildState&, const Cmd& c) {
  bool on = false;
  if (std::string err = parse_flag(c.args[0].text, on); !err.empty()) return err;
  if (on)
    return "SSLInsecureRenegotiation on is not supported by tern (it renegotiates only securely, "
           "RFC 5746)";
  return "";
}

// SSLRandomSeed context source [bytes]: accepted without effect (OpenSSL 3 seeds itself
// from the operating system).
std::string set_random_seed(BuildState&, const Cmd& c) {
  const std::string& ctx = c.args[0].text;
  if (!cfg::iequals(ctx, "startup") && !cfg::iequals(ctx, "connect"))
    return "Invalid context argument '" + shorten(ctx) + "'";
  return "";
}

// SSLPassPhraseDialog builtin|exec:path: accepted without effect (an encrypted key fails to
// load with a message naming its file).
std::string set_pass_phrase_dialog(BuildState&, const Cmd& c) {
  const std::string& v = c.args[0].text;
  if (cfg::iequals(v, "builtin") || v.starts_with("exec:")) return "";
  return "'" + shorten(v) +
         "' is not supported by tern (builtin or exec:path are accepted, without effect)";
}

// ---- OCSP stapling (modules/ssl/stapling_config.h) ----

std::string set_stapling_cache(BuildState& st, const Cmd& c) {
  if (st.in_vhost) return "SSLStaplingCache cannot occur within <VirtualHost> section";
  ssl::SessionCacheConfig cc;
  if (std::string err = ssl::parse_stapling_cache(c.args[0].text, &cc); !err.empty())
    return bare(err, "SSLStaplingCache");
  SslConfig& s = server_ssl(st);
  s.stapling_cache.value = cc;
  mark(s.stapling_cache, c);
  return "";
}

// A seconds argument of a stapling directive.
std::string set_stapling_seconds(BuildState& st, const Cmd& c, SslSetting<long> SslConfig::*field) {
  long v = 0;
  std::string err = ssl::parse_stapling_seconds(c.name, c.args[0].text, &v);
  if (!err.empty()) return bare(err, c.name);
  SslConfig& s = server_ssl(st);
  (s.*field).value = v;
  mark(s.*field, c);
  return "";
}

std::string set_use_stapling(BuildState& st, const Cmd& c) {
  return set_ssl_flag(st, c, &SslConfig::use_stapling);
}
std::string set_stapling_return_errors(BuildState& st, const Cmd& c) {
  return set_ssl_flag(st, c, &SslConfig::stapling_return_errors);
}
// Accepted without effect: no handshake waits for the responder, so there is never a
// failed query to fake a tryLater answer for.
std::string set_stapling_fake_try_later(BuildState& st, const Cmd& c) {
  return set_ssl_flag(st, c, &SslConfig::stapling_fake_try_later);
}
std::string set_stapling_responder_timeout(BuildState& st, const Cmd& c) {
  return set_stapling_seconds(st, c, &SslConfig::stapling_responder_timeout);
}
std::string set_stapling_standard_timeout(BuildState& st, const Cmd& c) {
  return set_stapling_seconds(st, c, &SslConfig::stapling_standard_timeout);
}
std::string set_stapling_error_timeout(BuildState& st, const Cmd& c) {
  return set_stapling_seconds(st, c, &SslConfig::stapling_error_timeout);
}
std::string set_stapling_time_skew(BuildState& st, const Cmd& c) {
  return set_stapling_seconds(st, c, &SslConfig::stapling_time_skew);
}
std::string set_stapling_max_age(BuildState& st, const Cmd& c) {
  return set_stapling_seconds(st, c, &SslConfig::stapling_max_age);
}

std::string set_stapling_force_url(BuildState& st, const Cmd& c) {
  if (std::string err = ssl::parse_stapling_force_url(c.args[0].text); !err.empty())
    return bare(err, "SSLStaplingForceURL");
  SslConfig& s = server_ssl(st);
  s.stapling_force_url.value = c.args[0].text;
  mark(s.stapling_force_url, c);
  return "";
}

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
    {"SSLRequireSSL", kCtxDir | kCtxHtaccess, Args::kIgnored, set_require_ssl,
     "Require the SSL protocol for the per-directory context (no arguments)", kMod,
     kOverrideAuthConfig},
    {"SSLVHostSNIPolicy", kCtxServer, Args::kTake1, set_sni_policy,
     "Set compatibility policy for SNI client access to virtual hosts", kMod, kOverrideNone},
    {"SSLStrictSNIVHostCheck", kCtxServer, Args::kFlag, set_strict_sni,
     "Strict SNI virtual host checking", kMod, kOverrideNone},
    {"SSLProtocol", kCtxServer, Args::kIterate, set_protocol,
     "Enable or disable various SSL protocols", kMod, kOverrideNone},
    {"SSLCipherSuite", kCtxServer, Args::kTake12, set_cipher_suite,
     "Colon-delimited list of permitted SSL Ciphers", kMod, kOverrideNone},
    {"SSLHonorCipherOrder", kCtxServer, Args::kFlag, set_honor_cipher_order,
     "Use the server's cipher ordering preference", kMod, kOverrideNone},
    {"SSLOpenSSLConfCmd", kCtxServer, Args::kTake2, set_openssl_conf_cmd,
     "OpenSSL configuration command", kMod, kOverrideNone},
    {"SSLVerifyClient", kCtxServer | kCtxDir | kCtxHtaccess, Args::kTake1, set_verify_client,
     "SSL Client verify type", kMod, kOverrideAuthConfig},
    {"SSLVerifyDepth", kCtxServer | kCtxDir | kCtxHtaccess, Args::kTake1, set_verify_depth,
     "SSL Client verify depth", kMod, kOverrideAuthConfig},
    {"SSLInsecureRenegotiation", kCtxServer, Args::kFlag, set_insecure_renegotiation,
     "Enable support for insecure renegotiation", kMod, kOverrideNone},
    {"SSLRenegBufferSize", kCtxServer | kCtxDir | kCtxHtaccess, Args::kTake1, set_reneg_buffer_size,
     "Configure the amount of memory that will be used for buffering the request body if a "
     "per-location SSL renegotiation is required due to changed access control requirements",
     kMod, kOverrideAuthConfig},
    {"SSLUserName", kCtxServer | kCtxDir | kCtxHtaccess, Args::kTake1, set_user_name,
     "Set user name to SSL variable value", kMod, kOverrideAuthConfig},
    {"SSLCACertificateFile", kCtxServer, Args::kTake1, set_ca_file, "SSL CA Certificate file", kMod,
     kOverrideNone},
    {"SSLCACertificatePath", kCtxServer, Args::kTake1, set_ca_path, "SSL CA Certificate path", kMod,
     kOverrideNone},
    {"SSLSessionCache", kCtxServer, Args::kTake1, set_session_cache, "SSL Session Cache storage",
     kMod, kOverrideNone},
    {"SSLSessionCacheTimeout", kCtxServer, Args::kTake1, set_session_cache_timeout,
     "SSL Session Cache object lifetime", kMod, kOverrideNone},
    {"SSLSessionTickets", kCtxServer, Args::kFlag, set_session_tickets,
     "Enable or disable TLS session tickets", kMod, kOverrideNone},
    {"SSLSessionTicketKeyFile", kCtxServer, Args::kTake1, set_ticket_key_file,
     "TLS session ticket encryption/decryption key file (RFC 5077) (48 bytes)", kMod,
     kOverrideNone},
    {"SSLRecordLayer", kCtxServer, Args::kTake1, set_record_layer,
     "Who seals TLS 1.3 application data: auto, tern or openssl (tern's own)", kMod, kOverrideNone},
    {"SSLCompression", kCtxServer, Args::kFlag, set_compression, "Enable SSL level compression",
     kMod, kOverrideNone},
    {"SSLRandomSeed", kCtxServer, Args::kTake23, set_random_seed,
     "SSL Pseudo Random Number Generator (PRNG) seeding source", kMod, kOverrideNone},
    {"SSLPassPhraseDialog", kCtxServer, Args::kTake1, set_pass_phrase_dialog,
     "SSL dialog mechanism for the pass phrase query", kMod, kOverrideNone},
    {"SSLStaplingCache", kCtxServer, Args::kTake1, set_stapling_cache,
     "SSL Stapling Response Cache storage", kMod, kOverrideNone},
    {"SSLUseStapling", kCtxServer, Args::kFlag, set_use_stapling,
     "SSL switch for the OCSP Stapling protocol", kMod, kOverrideNone},
    {"SSLStaplingResponseTimeSkew", kCtxServer, Args::kTake1, set_stapling_time_skew,
     "SSL stapling option for maximum time difference in OCSP responses", kMod, kOverrideNone},
    {"SSLStaplingResponderTimeout", kCtxServer, Args::kTake1, set_stapling_responder_timeout,
     "SSL stapling option for OCSP responder timeout", kMod, kOverrideNone},
    {"SSLStaplingResponseMaxAge", kCtxServer, Args::kTake1, set_stapling_max_age,
     "SSL stapling option for maximum age of OCSP responses", kMod, kOverrideNone},
    {"SSLStaplingStandardCacheTimeout", kCtxServer, Args::kTake1, set_stapling_standard_timeout,
     "SSL stapling option for normal OCSP Response Cache Lifetime", kMod, kOverrideNone},
    {"SSLStaplingReturnResponderErrors", kCtxServer, Args::kFlag, set_stapling_return_errors,
     "SSL stapling switch to return Status Errors Back to Client", kMod, kOverrideNone},
    {"SSLStaplingFakeTryLater", kCtxServer, Args::kFlag, set_stapling_fake_try_later,
     "SSL stapling switch to send tryLater response to client on error", kMod, kOverrideNone},
    {"SSLStaplingErrorCacheTimeout", kCtxServer, Args::kTake1, set_stapling_error_timeout,
     "SSL stapling option for OCSP Response Error Cache Lifetime", kMod, kOverrideNone},
    {"SSLStaplingForceURL", kCtxServer, Args::kTake1, set_stapling_force_url,
     "SSL stapling option to Force the OCSP Stapling URL", kMod, kOverrideNone},
};

}  // namespace

const Module ssl_module{
    .name = kMod,
    .source = "mod_ssl.c",
    .directives = kDirectives,
    .hooks = &ssl::ssl_request_hooks(),
    .phases = phase_bit(Phase::kAccessChecker) | phase_bit(Phase::kCheckUserId) |
              phase_bit(Phase::kFixups),
    .first_phases = phase_bit(Phase::kCheckUserId),
};

}  // namespace modules
}  // namespace tern
