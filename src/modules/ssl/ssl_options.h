#pragma once
// mod_ssl's per-directory SSLOptions, SSLRequireSSL, SSLVerifyClient, SSLVerifyDepth,
// SSLUserName and SSLRenegBufferSize (ssl_config_perdir_merge): the
// option bits of one scope (server, <VirtualHost>, <Directory>, <Files>, <Location>,
// .htaccess) with its +/- changes, merged along the scopes as mod_ssl does.

#include <memory>
#include <span>
#include <string>

#include "config/module_config.h"

namespace tern::ssl {

// mod_ssl's SSL_OPT_* bits that tern accepts.
enum SslOpt : unsigned {
  kOptStdEnvVars = 1u << 1,
  kOptExportCertData = 1u << 3,
  kOptStrictRequire = 1u << 5,
  kOptOptRenegotiate = 1u << 6,
};

// One scope's SSLOptions (httpd's SSLDirConfigRec: nOptions, nOptionsAdd, nOptionsDel).
struct SslDirConfig final : ModuleConfig {
  unsigned options = 0;        // the options in force here
  unsigned add = 0;            // what this scope (and its parents' relative sets) add
  unsigned del = 0;            // … and remove
  bool relative = true;        // SSL_OPT_RELSET: only +/- forms so far (or no SSLOptions at all)
  bool require_ssl = false;    // SSLRequireSSL here or in an enclosing scope (bSSLRequired)
  int verify_client = -1;      // per-directory SSLVerifyClient (ssl::VerifyClient), -1: unset
  int verify_depth = -1;       // per-directory SSLVerifyDepth, -1: unset
  std::string user_name;       // SSLUserName: the SSL_* variable that names the user ("": unset)
  int reneg_buffer_size = -1;  // SSLRenegBufferSize in bytes, -1: unset (128 KiB)

  // ssl_config_perdir_merge: a relative scope applies its +/- to the parent's options, an
  // absolute one replaces them; SSLRequireSSL is inherited; SSLVerifyClient,
  // SSLVerifyDepth, SSLUserName and SSLRenegBufferSize are the innermost scope's that sets
  // them.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// ssl_cmd_SSLOptions on `c` for the words `args` (in order): "" or mod_ssl's error
// ("SSLOptions: Illegal option 'x'"); FakeBasicAuth and LegacyDNStringFormat are refused as
// unsupported by tern.
std::string apply_ssl_options(SslDirConfig& c, std::span<const std::string> args);

}  // namespace tern::ssl
