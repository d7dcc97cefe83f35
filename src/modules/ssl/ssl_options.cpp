#include "modules/ssl/ssl_options.h"

namespace tern::ssl {

std::unique_ptr<ModuleConfig> SslDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& a = static_cast<const SslDirConfig&>(add_base);
  auto m = std::make_unique<SslDirConfig>(a);
  if (a.relative) {
    m->add = (add & ~a.del) | a.add;
    m->del = (del & ~a.add) | a.del;
    m->options = (options & ~m->del) | m->add;
    m->relative = relative;  // stays relative only when the parent was
  }
  m->require_ssl = require_ssl || a.require_ssl;
  if (a.verify_client < 0) m->verify_client = verify_client;
  if (a.verify_depth < 0) m->verify_depth = verify_depth;
  if (a.user_name.empty()) m->user_name = user_name;
  if (a.reneg_buffer_size < 0) m->reneg_buffer_size = reneg_buffer_size;
  return m;
}

std::string apply_ssl_options(SslDirConfig& c, std::span<const std::string> args) {
  bool first = true;  // option names are case-sensitive, as mod_ssl's strcEQ
  for (const std::string& word : args) {
    std::string_view w = word;
    char action = 0;
    if (!w.empty() && (w.front() == '+' || w.front() == '-')) {
      action = w.front();
      w.remove_prefix(1);
    } else if (first) {
      c.options = 0;
      c.relative = false;
      first = false;
    }
    const std::string name(w);
    unsigned opt = 0;
    if (name == "StdEnvVars") {
      opt = kOptStdEnvVars;
    } else if (name == "ExportCertData") {
      opt = kOptExportCertData;
    } else if (name == "StrictRequire") {
      opt = kOptStrictRequire;
    } else if (name == "OptRenegotiate") {
      opt = kOptOptRenegotiate;
    } else if (name == "FakeBasicAuth" || name == "LegacyDNStringFormat") {
      return "SSLOptions: option '" + name +
             "' is not supported by tern (StdEnvVars, ExportCertData, StrictRequire and "
             "OptRenegotiate are)";
    } else {
      return "SSLOptions: Illegal option '" + name + "'";
    }
    if (action == '-') {
      c.add &= ~opt;
      c.del |= opt;
      c.options &= ~opt;
    } else if (action == '+') {
      c.add |= opt;
      c.del &= ~opt;
      c.options |= opt;
    } else {
      c.options = opt;
      c.add = opt;
      c.del = 0;
    }
  }
  return "";
}

}  // namespace tern::ssl
