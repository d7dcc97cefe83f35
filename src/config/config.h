#pragma once
// The typed, immutable configuration that the parser produces and every thread
// reads without locks. Defaults are Apache httpd 2.4's documented defaults.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/module_config.h"
#include "config/rewrite_spec.h"
#include "util/regex.h"

namespace tern {

class IfExpr;  // modules/if_expr.h

// One `Listen` directive: an address (empty = all addresses) and a port.
struct ListenSpec {
  std::string host;  // "" (any), an IPv4 literal, or an IPv6 literal without brackets
  uint16_t port = 0;
  // The protocol argument ("http", "https"; none: "https" on port 443, else "http", as
  // httpd's listen.c). https makes the address TLS; so does SSLEngine on in a vhost on it
  // (server/tls_ports.h). A defaulted "https" (protocol_default) is TLS only when a server
  // on it has certificates, as mod_ssl enables SSL there: else `Listen 443` stays plain.
  std::string protocol = "http";
  bool protocol_default = false;  // no protocol argument
  std::string file;               // where it was configured, for error messages
  int line = 0;
};

// ServerTokens: how much the Server header says.
enum class ServerTokens { kFull, kOS, kMinimal, kMinor, kMajor, kProd };

// ServerSignature: the footer line of server-generated pages (Off, On, EMail).
enum class ServerSignature { kOff, kOn, kEMail };

// One SetEnv/PassEnv (set name to value) or UnsetEnv (remove name) of mod_env, in file
// order; PassEnv is resolved to a set when the configuration is read.
struct EnvVarOp {
  std::string name;
  std::string value;
  bool unset = false;
};

// LogLevel values, most to least severe (trace1..8 folded into kTrace).
enum class LogLevel { kEmerg, kAlert, kCrit, kError, kWarn, kNotice, kInfo, kDebug, kTrace };

// One `CustomLog path format-or-nickname` directive, nickname already resolved.
struct CustomLogSpec {
  CustomLogSpec() = default;
  // A log of every request: `path` in `format`.
  CustomLogSpec(std::string p, std::string f) : path(std::move(p)), format(std::move(f)) {}
  std::string path;    // absolute path, or "|command" is not supported (refused)
  std::string format;  // the LogFormat string
  // `env=[!]VAR`: log only requests whose environment has (or, with '!', lacks) VAR.
  std::string env;
  bool env_negated = false;
};

// One `ErrorDocument code action` directive.
struct ErrorDocumentSpec {
  int status = 0;
  // kDefault: `ErrorDocument code default`, the built-in page again where an enclosing
  // scope set another.
  enum class Kind { kLocalPath, kRedirect, kText, kDefault } kind = Kind::kText;
  std::string value;  // URL path, absolute URL, or literal text (quotes removed)
};

// mod_reqtimeout's `RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500`.
struct ReadTimeoutSpec {
  int initial_seconds = 0;  // 0 disables the limit
  int max_seconds = 0;      // 0 = no upper bound beyond initial (no extension)
  int min_rate = 0;         // bytes/second that extend the timeout, 0 = none
};

// One `Require` leaf or a <RequireAll>/<RequireAny> container.
struct RequireRule {
  // kValidUser, kUser: mod_authz_user's providers (they need an authenticated user).
  enum class Kind {
    kAllGranted,
    kAllDenied,
    kIp,
    kLocal,
    kAll,
    kAny,
    kValidUser,
    kUser,
    kSslVerifyClient,  // mod_ssl's `Require ssl-verify-client`
    kSsl               // mod_ssl's `Require ssl`: the request came over TLS
  } kind = Kind::kAllGranted;
  bool negated = false;               // `Require not …`
  std::vector<std::string> ips;       // kIp: addresses and CIDR blocks as written
  std::vector<std::string> users;     // kUser: the user names, compared exactly
  std::vector<RequireRule> children;  // kAll / kAny
};

// Which kind of per-directory section a SectionSpec is (httpd's walks: directory,
// file, location, if), or an .htaccess file read at request time.
enum class SectionKind { kLocation, kDirectory, kFiles, kIf, kHtaccess };

// A per-directory section — <Location>/<LocationMatch>, <Directory>/<DirectoryMatch>,
// <Files>/<FilesMatch>, <If> — or an .htaccess file, and what it sets.
struct SectionSpec {
  SectionKind kind = SectionKind::kLocation;
  // The path prefix (Location), directory path (Directory, absolute, no trailing slash
  // except "/"), file name wildcard (Files) or the regex source for the Match forms.
  std::string pattern;
  bool is_regex = false;
  // The compiled regex (with the RegexDefaultOptions in effect at its line); when null
  // for a regex, SiteHandler compiles `pattern` with httpd's default options.
  std::shared_ptr<const Regex> regex;
  // The enclosing section (index into Config::sections: a <Files> or <If> inside a
  // <Directory>, …), or -1 at server level. A nested section applies only where its
  // parent does, and is merged after it.
  int parent = -1;
  std::optional<std::string> handler;  // SetHandler name ("server-status", "metrics", "none")
  std::optional<RequireRule> require;  // the section's authorization, if any
  std::vector<EnvVarOp> env;           // mod_env's SetEnv/UnsetEnv/PassEnv, in order
  // <If>/<ElseIf>: the condition (null for <Else>); for <ElseIf>/<Else>, the index (in the
  // same vector) of the <If>/<ElseIf> it continues, else -1.
  std::shared_ptr<const IfExpr> condition;
  int else_of = -1;
  // What the section's directives set for modules whose setters build their own
  // configuration (config/dir_scope.h), by module_index(); empty or null entries: none.
  ModuleDirSlots module_dir;
  std::string file;
  int line = 0;
};

// The name the code used before sections other than <Location> existed.
using LocationSpec = SectionSpec;

// One `Alias`, `AliasMatch`, `ScriptAlias` or `ScriptAliasMatch` (mod_alias).
// Its url is a URL-path prefix or a regex; its target a file or directory path.
struct ScriptAliasSpec {
  std::string url;                     // the URL prefix, or the regex source
  std::string target;                  // absolute (ServerRoot-relative resolved); $n for a regex
  std::shared_ptr<const Regex> regex;  // ScriptAliasMatch / AliasMatch only
  bool script = true;                  // ScriptAlias*: the target is run as a CGI script
  std::string file;
  int line = 0;
};

// One `Redirect`, `RedirectMatch`, `RedirectTemp` or `RedirectPermanent` (mod_alias).
// Its url is a URL-path prefix or a regex; its target a URL, empty for a status without one.
struct RedirectSpec {
  std::string url;                     // the URL-path prefix, or the regex source
  std::string target;                  // absolute URL or abs_path; $n for a regex; "" for gone
  std::shared_ptr<const Regex> regex;  // RedirectMatch only
  int status = 302;                    // 3xx (with a target) or 410
  std::string file;
  int line = 0;
};

struct Config;

// One address of a `<VirtualHost addr[:port] …>` line (httpd's server_addr_rec).
struct VhostAddress {
  std::string ip;  // "" for `*`/`_default_` (any address), else the literal as inet_ntop writes it
  uint16_t port = 0;       // 0 = any port (`addr:*`, or no port given)
  std::string as_written;  // the host part as written ("*", "_default_", "10.0.0.1", "::1")
};

// One `<VirtualHost>` section: its addresses and its configuration, which is the main
// server's with the section's directives applied over it (httpd's merged server config).
struct VirtualHostSpec {
  std::vector<VhostAddress> addresses;
  std::shared_ptr<const Config> config;
  bool own_logs = false;  // the section has its own CustomLog/TransferLog
  std::string file;       // where the section starts (for -S and messages)
  int line = 0;
};

// The whole server configuration. Immutable once built.
struct Config {
  // --- core (issue 2)
  std::string server_root;    // absolute
  std::string config_file;    // absolute path of the main file
  std::string document_root;  // absolute, no trailing slash
  std::string server_name;    // may be empty (then the hostname is used)
  std::vector<ListenSpec> listens;
  std::vector<std::string> directory_index{"index.html"};
  std::string types_config;  // absolute path, or "" for the built-in table
  bool keep_alive = true;
  std::chrono::milliseconds keep_alive_timeout{5000};
  int max_keep_alive_requests = 100;  // 0 = unlimited
  std::chrono::milliseconds timeout{60000};
  int listen_backlog = 511;
  // AcceptFilter: protocol ("http", "https") -> filter; a protocol not named uses "data"
  // (httpd's default on Linux). On Linux every filter but "none" is TCP_DEFER_ACCEPT.
  std::map<std::string, std::string> accept_filters;
  // True when listen sockets of `protocol` defer accepting until the client sends data.
  bool defers_accept(const std::string& protocol) const {
    auto it = accept_filters.find(protocol);
    return it == accept_filters.end() || it->second != "none";
  }
  size_t limit_request_line = 8190;
  size_t limit_request_field_size = 8190;
  size_t limit_request_fields = 100;
  uint64_t limit_request_body = 1073741824;  // httpd 2.4.53+ default: 1 GiB; 0 = unlimited
  std::string error_log;                     // absolute path; default <ServerRoot>/logs/error_log
  LogLevel log_level = LogLevel::kWarn;
  std::map<std::string, std::string> log_formats;  // nickname -> format (common, combined, …)
  std::vector<CustomLogSpec> custom_logs;
  std::string pid_file;  // absolute; default <ServerRoot>/logs/httpd.pid
  ServerTokens server_tokens = ServerTokens::kFull;
  bool enable_sendfile = true;  // tern defaults On (httpd: Off)

  // --- HTTP semantics (issue 3)
  int max_ranges = 200;  // MaxRanges: -1 = unlimited, 0 = ranges disabled
  bool trace_enable = false;
  std::vector<ErrorDocumentSpec> error_documents;

  // --- async lifecycle (issue 4)
  ReadTimeoutSpec header_read_timeout{20, 40, 500};
  ReadTimeoutSpec body_read_timeout{20, 0, 500};
  // RequestReadTimeout handshake= (TLS); mod_reqtimeout's default handshake=0: no limit of
  // its own, each read waits Timeout.
  ReadTimeoutSpec handshake_read_timeout{0, 0, 0};
  // tern's default; httpd's is 2. A waiting connection holds no thread in tern, so
  // the factor bounds memory and descriptors only: 25 + 256 x 25 = 6,425 per child.
  double async_request_worker_factor = 256.0;

  // --- control process (issue 5)
  int start_servers = 3;
  int server_limit = 16;
  int thread_limit = 64;
  int threads_per_child = 25;
  int max_request_workers = 400;  // 16 * 25
  int min_spare_threads = 75;
  int max_spare_threads = 250;
  int max_connections_per_child = 0;                       // 0 = never recycle
  std::chrono::milliseconds graceful_shutdown_timeout{0};  // 0 = wait forever
  std::string user;                                        // empty = do not switch
  std::string group;                                       // empty = do not switch
  std::string scoreboard_file;                             // empty = anonymous shared memory

  // --- status (issue 6)
  bool extended_status = true;
  // Every per-directory section (<Location>, <Directory>, <Files>, <If>, nested ones after
  // their parent), in file order; the merge order is map_to_storage's business.
  std::vector<SectionSpec> sections;
  // AccessFileName: the .htaccess file names looked for in each directory, in order.
  std::vector<std::string> access_file_names{".htaccess"};
  // The parameters defined at the end of reading (-D, Define), for <IfDefine> and ${NAME}
  // in .htaccess files, which httpd reads with the server's defines.
  std::set<std::string> defines;
  std::map<std::string, std::string> define_vars;
  // What per-directory directives at server level set for modules whose setters build
  // their own configuration (httpd's lookup_defaults), by module_index().
  ModuleDirSlots server_module_dir;
  // Per-server module configuration (httpd's create_server_config), by module_index(); a
  // <VirtualHost>'s starts as the main server's and the module copies it before changing it
  // (mod_ssl's SslConfig).
  ModuleDirSlots server_conf;

  // --- CGI (issue 10): mod_alias's ScriptAlias, mod_cgi/mod_cgid, core's CGIPassAuth
  // Alias, AliasMatch, ScriptAlias, ScriptAliasMatch in file order (the first match wins).
  std::vector<ScriptAliasSpec> script_aliases;
  // Redirect, RedirectMatch, RedirectTemp, RedirectPermanent in file order (issue 11).
  std::vector<RedirectSpec> redirects;
  // mod_rewrite's rules of this server (a <VirtualHost> starts without the main's).
  RewriteServerConfig rewrite;
  std::optional<std::chrono::milliseconds> cgi_script_timeout;  // unset: Timeout
  bool cgi_pass_auth = false;

  // --- issue 11: core's ServerAdmin and ServerSignature (server level)
  std::string server_admin;  // "" = none (CGI's SERVER_ADMIN says "[no address given]")
  ServerSignature server_signature = ServerSignature::kOff;

  // --- issue 11: virtual hosts. ServerAlias names of a <VirtualHost> (wildcards `*`, `?`
  // kept as written), and every <VirtualHost> in file order (empty in a vhost's own Config).
  std::vector<std::string> server_aliases;
  std::vector<VirtualHostSpec> virtual_hosts;

  // --- modules (issue 11): active flags by module_index(); empty = every module active
  // (no LoadModule in the configuration).
  std::vector<bool> active_modules;

  // Warnings produced while building (clamped values etc.), each "file:line: text".
  std::vector<std::string> warnings;
};

}  // namespace tern
