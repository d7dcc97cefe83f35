#pragma once
// Integration-test harness for Debian's Apache httpd (package apache2-bin), the
// reference tern's behaviour is compared with: runs /usr/sbin/apache2 in the
// foreground on a free loopback port from a generated, self-contained configuration
// (no /etc/apache2, no envvars) in its own TempDir.
//
// Typical use (the same CGI script served by apache and by tern):
//
//   ApacheServer apache;
//   std::string script = apache.put_script("env.sh", "#!/bin/sh\n...");
//   ASSERT_TRUE(apache.start("ScriptAlias /cgi-bin/ " + apache.cgi_dir() + "/"))
//       << apache.log();
//   auto r = fetch(apache.port(), http_request("GET", "/cgi-bin/env.sh/x?a=1"));
//   ASSERT_TRUE(r);                            // Response: status, headers, body
//   auto env = parse_env(r->body);             // KEY=VALUE lines -> map
//   EXPECT_EQ(headers_map(*r)["content-type"], "text/plain");
//
// The base configuration (config_text() shows it) loads mod_mpm_event (one child:
// StartServers 1, ServerLimit 1, 8 threads), mod_authz_core, mod_alias, mod_mime
// (TypesConfig /etc/mime.types when present), mod_dir (DirectoryIndex index.html),
// mod_log_config (compiled into Debian's binary; CustomLog logs/access_log common)
// and mod_cgid (ScriptSock in the TempDir); ServerName 127.0.0.1, DocumentRoot
// htdocs, ErrorLog logs/error_log at LogLevel info, `Require all granted` on <Directory
// />. The caller's directives follow it. Started as root (CI), apache's child, its
// cgid daemon and the scripts run as User nobody / Group nogroup (httpd refuses to
// serve as root), so the TempDir is world-readable and put_script() makes scripts
// world-executable (the directories above the TempDir, e.g. $TMPDIR, must let nobody
// through too); started as another user, apache keeps that user. Scripts get apache's
// environment (its PATH) as httpd passes it; Timeout is 30 s.

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {

// The apache2 binary and module directory the harness uses (Debian's layout).
inline constexpr const char* kApacheBinary = "/usr/sbin/apache2";
inline constexpr const char* kApacheModules = "/usr/lib/apache2/modules";
// A CGI script (for put_script()) answering text/plain with its environment, `env` sorted.
inline constexpr const char* kSortedEnvScript =
    "#!/bin/sh\n"
    "printf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
    "env | LC_ALL=C sort\n";

// An Apache httpd (event MPM + mod_cgid) process with its own ServerRoot, DocumentRoot
// (htdocs/), script directory (cgi-bin/) and logs (logs/); stopped by the destructor.
class ApacheServer {
 public:
  // Creates the ServerRoot with htdocs/, cgi-bin/ and logs/ (nothing runs yet).
  ApacheServer();
  // Stops apache (SIGTERM, then SIGKILL to its whole process group).
  ~ApacheServer();
  ApacheServer(const ApacheServer&) = delete;
  ApacheServer& operator=(const ApacheServer&) = delete;

  // True when apache2 and the modules the harness loads are installed.
  static bool available();

  // The ServerRoot (a world-readable TempDir).
  const TempDir& root() const { return root_; }
  // Absolute path of the script directory ServerRoot/cgi-bin (no trailing slash).
  std::string cgi_dir() const { return root_.path() + "/cgi-bin"; }
  // Writes a file under htdocs/; returns its full path.
  std::string put(const std::string& rel, const std::string& content) const {
    return root_.write("htdocs/" + rel, content);
  }
  // Writes an executable (0755) script under cgi-bin/; returns its full path.
  std::string put_script(const std::string& rel, const std::string& content) const;

  // Starts apache with the base configuration plus `extra` directives and waits (up
  // to 30 s) until its port accepts connections. False on failure (see log()); a
  // lost race for the port is retried on another one.
  bool start(const std::string& extra = "");
  // Sends SIGTERM (httpd's "stop") and waits up to `timeout_ms`; returns the exit
  // code (-1 on timeout). Anything left of its process group is then killed.
  int stop(int timeout_ms = 30000);
  // True while the apache parent process runs.
  bool running() const { return pid_ > 0; }

  // The loopback port it listens on (127.0.0.1).
  int port() const { return port_; }
  // The parent's pid (-1 when not running).
  pid_t pid() const { return pid_; }
  // Base URL "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path = "/") const;
  // The configuration text of the last start().
  const std::string& config_text() const { return config_; }
  // apache's stdout/stderr, then logs/error_log.
  std::string log() const;
  // Contents of a file under the ServerRoot (e.g. "logs/access_log").
  std::string read(const std::string& rel) const;

 private:
  std::string make_config(int port, const std::string& extra) const;
  TempDir root_;
  std::string config_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A raw HTTP/1.1 request for `fetch()`: "METHOD target HTTP/1.1", "Host: 127.0.0.1"
// unless `headers` has a Host, Connection: close, then `headers` (each "Name: value",
// no CRLF), then Content-Length and `body` when the body is not empty. Note: httpd
// takes SERVER_PORT from the Host header, else ServerName's port, else 80.
std::string http_request(const std::string& method, const std::string& target,
                         const std::vector<std::string>& headers = {},
                         const std::string& body = "");

// The status of a GET of `target` (with `headers`, as http_request) on 127.0.0.1:`port`;
// -1 when no answer came.
int get_status(int port, const std::string& target, const std::vector<std::string>& headers = {});

// GETs `target` (with `headers`) from `apache` and from `tern`: gtest expectations that
// apache answers `expected` and tern the same, each failure with that server's log.
void expect_same_status(const ApacheServer& apache, const Server& tern, const std::string& target,
                        int expected, const std::vector<std::string>& headers = {});

// Writes the same tree under both DocumentRoots (`put_tree(apache)`, `put_tree(tern)`),
// then starts apache with `config(its DocumentRoot)` and tern with ServerName 127.0.0.1
// and `config(its DocumentRoot)`: a fatal failure (with the server's log) when one fails.
template <class PutTree, class MakeConfig>
void start_side_by_side(ApacheServer& apache, Server& tern, PutTree put_tree, MakeConfig config) {
  ASSERT_TRUE(ApacheServer::available())
      << "apache2-bin is missing: scripts/deps.sh test installs it";
  put_tree(apache);
  put_tree(tern);
  ASSERT_TRUE(apache.start(config(apache.root().path() + "/htdocs"))) << apache.log();
  ASSERT_TRUE(tern.start("ServerName 127.0.0.1\n" + config(tern.root().path() + "/htdocs")))
      << tern.log();
}

// The response's headers by lower-cased name (repeated headers joined with ", ").
std::map<std::string, std::string> headers_map(const Response& r);

// Parses `env`-style output ("KEY=VALUE" per line; a line without '=' is skipped; the
// value runs to the end of the line, a trailing CR dropped) into a map.
std::map<std::string, std::string> parse_env(const std::string& text);

// Sends `request` to `apache` and to `tern` (`head`: a HEAD request, no body); a fatal
// failure unless both answer, else a failure unless the statuses, the `headers` (lower-cased
// names) and the bodies (each passed through `normalise` when given) are equal; stores
// apache's answer in *apache_answer (when not null) once both have answered.
void compare_with_apache(const ApacheServer& apache, const Server& tern, const std::string& request,
                         bool head, const std::vector<std::string>& headers,
                         Response* apache_answer,
                         const std::function<std::string(const std::string&)>& normalise = {});

// Starts `apache` with `apache_only` + `shared` and `tern` with "ServerName 127.0.0.1\n" +
// `tern_only` + `shared` (the same site on both); a fatal failure, with the log of the
// server that did not start, unless both start.
void start_both(ApacheServer& apache, Server& tern, const std::string& apache_only,
                const std::string& tern_only, const std::string& shared);

// The lines of what `read` returns once it has at least `n` of them (polled for up to 10 s:
// servers write their logs after the response), or the lines it has then.
std::vector<std::string> wait_lines(const std::function<std::string()>& read, size_t n);

}  // namespace tern::test
