// The drop-in promise with Debian's own configuration: a copy of the stock /etc/apache2
// tree (package apache2, installed by scripts/deps.sh test) loads with `tern -t`
// unmodified, and served — with only its port changed — answers as Debian's apache2
// answers on the same copy.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "apache_harness.h"

namespace tern::test {
namespace {

namespace fs = std::filesystem;

// Replaces every `from` in the file at `path` by `to`.
void replace_in_file(const std::string& path, const std::string& from, const std::string& to) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  std::ofstream(path) << text;
}

// What Debian's envvars sets (apache2ctl sources it), pointed into `dir`.
std::vector<std::string> envvars(const std::string& dir) {
  return {"APACHE_RUN_USER=www-data",
          "APACHE_RUN_GROUP=www-data",
          "APACHE_PID_FILE=" + dir + "/run/apache2.pid",
          "APACHE_RUN_DIR=" + dir + "/run",
          "APACHE_LOCK_DIR=" + dir + "/lock",
          "APACHE_LOG_DIR=" + dir + "/log",
          "LANG=C"};
}

class DebianTree : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/etc/apache2/apache2.conf"))
        << "Debian's apache2 package is missing: scripts/deps.sh test installs it";
    for (const char* d : {"run", "lock", "log"}) fs::create_directories(dir_.path() + "/" + d);
    fs::permissions(dir_.path(), fs::perms::all);
    fs::copy("/etc/apache2", tree(), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  std::string tree() const { return dir_.path() + "/apache2"; }
  // `tern ARGS` with Debian's environment.
  ProcessResult tern(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/env"};
    for (const std::string& e : envvars(dir_.path())) argv.push_back(e);
    argv.push_back(TERN_BINARY);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }
  // Starts `binary` on the tree with Debian's environment in the foreground.
  std::unique_ptr<BackgroundProcess> start(const std::string& binary,
                                           std::vector<std::string> extra) {
    std::vector<std::string> argv{"/usr/bin/env"};
    for (const std::string& e : envvars(dir_.path())) argv.push_back(e);
    argv.push_back(binary);
    argv.insert(argv.end(), {"-d", tree(), "-f", "apache2.conf"});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<BackgroundProcess>(argv);
  }
  TempDir dir_;
};

TEST_F(DebianTree, SyntaxOkUnmodified) {
  ProcessResult r = tern({"-t", "-d", tree(), "-f", "apache2.conf"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Syntax OK"), std::string::npos) << r.output;
}

// Waits until `port` accepts a connection (30 s).
bool wait_port(int port) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < end) {
    Client c(port);
    if (c.connected()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_F(DebianTree, ServesAsDebiansApache2) {
  ASSERT_TRUE(fs::exists("/var/www/html/index.html")) << "apache2's default page is missing";
  // The only change: the port (ports.conf's Listen, 000-default's <VirtualHost *:80>).
  const int apache_port = free_port();
  const int tern_port = free_port();
  const std::string apache_tree = dir_.path() + "/apache-copy";
  fs::copy(tree(), apache_tree, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  replace_in_file(apache_tree + "/ports.conf", "Listen 80\n",
                  "Listen 127.0.0.1:" + std::to_string(apache_port) + "\n");
  replace_in_file(apache_tree + "/sites-available/000-default.conf", "*:80",
                  "*:" + std::to_string(apache_port));
  replace_in_file(tree() + "/ports.conf", "Listen 80\n",
                  "Listen 127.0.0.1:" + std::to_string(tern_port) + "\n");
  replace_in_file(tree() + "/sites-available/000-default.conf", "*:80",
                  "*:" + std::to_string(tern_port));
  // httpd gets run, lock and log directories of its own: with tern's, the PidFile they
  // share made httpd exit ("already running") whenever tern wrote it first.
  const std::string apache_dir = dir_.path() + "/apache";
  for (const char* d : {"run", "lock", "log"}) fs::create_directories(apache_dir + "/" + d);
  std::vector<std::string> argv{"/usr/bin/env"};
  for (const std::string& e : envvars(apache_dir)) argv.push_back(e);
  argv.insert(argv.end(), {kApacheBinary, "-d", apache_tree, "-f", "apache2.conf", "-DFOREGROUND"});
  BackgroundProcess apache(argv);
  auto tern_server = start(TERN_BINARY, {});
  // Both logs go to the same directory: on a start failure, say what httpd said.
  if (!wait_port(apache_port)) {
    const ProcessResult r = apache.finish(SIGTERM, 5000);
    FAIL() << "httpd did not listen; exit " << r.exit_code << ": " << r.output
           << slurp(apache_dir + "/log/error.log");
  }
  ASSERT_TRUE(wait_port(tern_port)) << slurp(dir_.path() + "/log/error.log");
  struct Case {
    std::string target;
    int status;
    bool same_body;
  };
  const Case cases[] = {
      {"/", 200, true},  // Debian's default page
      {"/index.html", 200, true},
      {"/.htaccess", 403, false},  // <FilesMatch "^\.ht"> Require all denied
      {"/.htpasswd", 403, false},
      {"/nonexistent", 404, false},
      {"/icons/", 403, false},  // alias.conf: no Indexes there
      {"/icons/apache_pb.png", 200, true},
      {"/server-status?auto", 200, false},  // status.conf: Require local
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);
    const std::string req = http_request("GET", c.target, {});
    auto a = fetch(apache_port, req);
    auto t = fetch(tern_port, req);
    ASSERT_TRUE(a && t);
    EXPECT_EQ(a->status, c.status);
    EXPECT_EQ(t->status, a->status) << t->body;
    EXPECT_EQ(headers_map(*t)["content-type"], headers_map(*a)["content-type"]);
    if (c.same_body) {
      EXPECT_EQ(t->body, a->body);
    }
  }
  // httpd's and tern's graceful stops (SIGTERM), then whatever is left of their groups.
  EXPECT_EQ(apache.finish(SIGTERM).exit_code, 0);
  EXPECT_EQ(tern_server->finish(SIGTERM).exit_code, 0);
}

// What `a2enmod ssl` and `a2ensite default-ssl` do to a tree: the symlinks they make
// (ssl's Depends: setenvif mime socache_shmcb; setenvif and mime are enabled by default).
void enable_ssl(const std::string& tree) {
  for (const char* f : {"ssl.load", "ssl.conf", "socache_shmcb.load"}) {
    if (!fs::exists(tree + "/mods-enabled/" + f))
      fs::create_symlink(std::string("../mods-available/") + f, tree + "/mods-enabled/" + f);
  }
  fs::create_symlink("../sites-available/default-ssl.conf",
                     tree + "/sites-enabled/default-ssl.conf");
}

// httpd (index 0) and tern (index 1) serving copies of the tree at `dir`/apache2 with
// Debian's environment, only their ports changed: ports.conf's `Listen 80`/`Listen 443`
// and the <VirtualHost *:80>/<VirtualHost *:443> lines of the named sites.
struct TreePair {
  int ports[2] = {};
  int tls_ports[2] = {};
  std::unique_ptr<BackgroundProcess> servers[2];
};

// Starts both servers of *out and waits until each listens on its TLS port (a fatal
// failure, with what the server logged, when one does not).
void start_tree_pair(const std::string& dir, const std::vector<std::string>& http_sites,
                     const std::vector<std::string>& tls_sites, TreePair* out) {
  const std::string trees[2] = {dir + "/apache-copy", dir + "/apache2"};
  const std::string run_dirs[2] = {dir + "/apache", dir};
  fs::copy(trees[1], trees[0], fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  for (int i = 0; i < 2; ++i) {
    out->ports[i] = free_port();
    out->tls_ports[i] = free_port();
    const std::string p = std::to_string(out->ports[i]), tp = std::to_string(out->tls_ports[i]);
    replace_in_file(trees[i] + "/ports.conf", "Listen 80\n", "Listen 127.0.0.1:" + p + "\n");
    replace_in_file(trees[i] + "/ports.conf", "Listen 443\n", "Listen 127.0.0.1:" + tp + "\n");
    for (const std::string& site : http_sites) {
      replace_in_file(trees[i] + "/sites-available/" + site, "*:80>", "*:" + p + ">");
    }
    for (const std::string& site : tls_sites) {
      replace_in_file(trees[i] + "/sites-available/" + site, "*:443>", "*:" + tp + ">");
    }
    // httpd gets run, lock and log directories of its own (a shared PidFile stops it).
    for (const char* d : {"run", "lock", "log"}) fs::create_directories(run_dirs[i] + "/" + d);
    std::vector<std::string> argv{"/usr/bin/env"};
    for (const std::string& e : envvars(run_dirs[i])) argv.push_back(e);
    argv.insert(argv.end(), {i == 0 ? std::string(kApacheBinary) : std::string(TERN_BINARY), "-d",
                             trees[i], "-f", "apache2.conf"});
    if (i == 0) argv.push_back("-DFOREGROUND");
    out->servers[i] = std::make_unique<BackgroundProcess>(argv);
  }
  for (int i = 0; i < 2; ++i) {
    if (!wait_port(out->tls_ports[i])) {
      const ProcessResult r = out->servers[i]->finish(SIGTERM, 5000);
      FAIL() << (i == 0 ? "httpd" : "tern") << " did not listen; exit " << r.exit_code << ": "
             << r.output << slurp(run_dirs[i] + "/log/error.log");
    }
  }
}

// Status, Content-Type and body of `curl -k -i url`.
struct HttpsAnswer {
  std::string status, content_type, body;
};
HttpsAnswer https_get(const std::string& url) {
  ProcessResult r = curl({"-k", "-i", url});
  HttpsAnswer a;
  const size_t end = r.output.find("\r\n\r\n");
  if (end == std::string::npos) return a;
  const std::string head = r.output.substr(0, end);
  a.status = head.substr(0, head.find("\r\n"));
  const size_t ct = head.find("\r\nContent-Type: ");
  if (ct != std::string::npos)
    a.content_type = head.substr(ct + 16, head.find("\r\n", ct + 2) - ct - 16);
  a.body = r.output.substr(end + 4);
  return a;
}

// After `a2enmod ssl` and `a2ensite default-ssl` with the snakeoil certificate (package
// ssl-cert): -t passes unmodified, and with only the ports changed, HTTPS answers as Debian's
// apache2 answers on the same copy.
TEST_F(DebianTree, SslSiteAsDebiansApache2) {
  ASSERT_TRUE(fs::exists("/etc/ssl/certs/ssl-cert-snakeoil.pem"))
      << "no snakeoil certificate: scripts/deps.sh test makes it";
  enable_ssl(tree());
  ProcessResult r = tern({"-t", "-d", tree(), "-f", "apache2.conf"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Syntax OK"), std::string::npos) << r.output;

  TreePair pair;
  start_tree_pair(dir_.path(), {"000-default.conf"}, {"default-ssl.conf"}, &pair);
  if (HasFatalFailure()) return;
  const int* tls_ports = pair.tls_ports;
  for (const char* path : {"/", "/index.html", "/nonexistent", "/icons/apache_pb.png"}) {
    SCOPED_TRACE(path);
    const HttpsAnswer a = https_get("https://127.0.0.1:" + std::to_string(tls_ports[0]) + path);
    const HttpsAnswer t = https_get("https://127.0.0.1:" + std::to_string(tls_ports[1]) + path);
    ASSERT_FALSE(a.status.empty());
    EXPECT_EQ(t.status, a.status);
    EXPECT_EQ(t.content_type, a.content_type);
    if (a.status.find(" 200") != std::string::npos) {
      EXPECT_EQ(t.body, a.body);
    }
  }
  EXPECT_EQ(pair.servers[0]->finish(SIGTERM).exit_code, 0);
  EXPECT_EQ(pair.servers[1]->finish(SIGTERM).exit_code, 0);
}

}  // namespace
}  // namespace tern::test

namespace tern::test {
namespace {

// certbot's options-ssl-apache.conf (certbot 2.x), which `certbot --apache` includes in
// every vhost it makes; its comments as certbot writes them.
constexpr const char* kCertbotOptions =
    "# This file contains important security parameters. If you modify this file\n"
    "# manually, Certbot will be unable to automatically provide future security\n"
    "# updates.\n\n"
    "SSLEngine on\n\n"
    "# Intermediate configuration, tweak to your needs\n"
    "SSLProtocol             all -SSLv3 -TLSv1 -TLSv1.1\n"
    "SSLCipherSuite          ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384\n"
    "SSLHonorCipherOrder     off\n"
    "SSLSessionTickets       off\n\n"
    "SSLOptions +StrictRequire\n\n"
    "# Add vhost name to log entries:\n"
    "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-agent}i\\\"\" "
    "vhost_combined\n"
    "LogFormat \"%v %h %l %u %t \\\"%r\\\" %>s %b\" vhost_common\n\n"
    "#CustomLog /var/log/apache2/access.log vhost_combined\n"
    "#LogLevel warn\n"
    "#ErrorLog /var/log/apache2/error.log\n\n"
    "# Always ensure Cookies have \"Secure\" set (JAH 2012/1)\n"
    "#Header edit Set-Cookie (?i)^(.*)(;\\s*secure)?\?((\\s*;)?(.*)) \"$1; Secure$3$4\"\n";

// The port-80 vhost after `certbot --apache --redirect` (its RewriteCond/RewriteRule lines).
constexpr const char* kCertbotHttpSite =
    "<VirtualHost *:80>\n"
    "\tServerName example.com\n"
    "\tServerAlias www.example.com\n"
    "\tDocumentRoot /var/www/html\n"
    "\tErrorLog ${APACHE_LOG_DIR}/error.log\n"
    "\tCustomLog ${APACHE_LOG_DIR}/access.log combined\n"
    "RewriteEngine on\n"
    "RewriteCond %{SERVER_NAME} =www.example.com [OR]\n"
    "RewriteCond %{SERVER_NAME} =example.com\n"
    "RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [END,NE,R=permanent]\n"
    "</VirtualHost>\n";

// The vhost certbot makes from it (example-le-ssl.conf), with `--hsts`; the snakeoil
// certificate stands in for Let's Encrypt's.
std::string certbot_tls_site(const std::string& options) {
  return "<IfModule mod_ssl.c>\n"
         "<VirtualHost *:443>\n"
         "\tServerName example.com\n"
         "\tServerAlias www.example.com\n"
         "\tDocumentRoot /var/www/html\n"
         "\tErrorLog ${APACHE_LOG_DIR}/error.log\n"
         "\tCustomLog ${APACHE_LOG_DIR}/access.log combined\n"
         "Include " +
         options +
         "\n"
         "Header always set Strict-Transport-Security \"max-age=31536000\"\n"
         "SSLCertificateFile /etc/ssl/certs/ssl-cert-snakeoil.pem\n"
         "SSLCertificateKeyFile /etc/ssl/private/ssl-cert-snakeoil.key\n"
         "</VirtualHost>\n"
         "</IfModule>\n";
}

// `curl -k -i` through --resolve: the status line and the named field's value.
std::pair<std::string, std::string> curl_field(const std::vector<std::string>& args,
                                               const std::string& field) {
  std::vector<std::string> all{"-k", "-i", "-s"};
  all.insert(all.end(), args.begin(), args.end());
  const std::string out = curl(all).output;
  const size_t end = out.find("\r\n\r\n");
  const std::string head = out.substr(0, end == std::string::npos ? 0 : end);
  std::string value;
  std::string lower = head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\n" + field + ": ");
  if (at != std::string::npos) {
    value = head.substr(at + field.size() + 4, head.find("\r\n", at + 2) - at - field.size() - 4);
  }
  return {head.substr(0, head.find("\r\n")), value};
}

// A site certbot manages (a2enmod ssl rewrite headers, its two vhosts and its options
// file, untouched but for the ports): -t passes, the port-80 vhost redirects to https and
// the TLS vhost sends HSTS — as Debian's apache2 does on the same copy.
TEST_F(DebianTree, CertbotSiteAsDebiansApache2) {
  ASSERT_TRUE(fs::exists("/etc/ssl/certs/ssl-cert-snakeoil.pem"))
      << "no snakeoil certificate: scripts/deps.sh test makes it";
  enable_ssl(tree());
  for (const char* f : {"rewrite.load", "headers.load"}) {
    if (!fs::exists(tree() + "/mods-enabled/" + f))
      fs::create_symlink(std::string("../mods-available/") + f, tree() + "/mods-enabled/" + f);
  }
  const std::string options = dir_.path() + "/letsencrypt/options-ssl-apache.conf";
  fs::create_directories(dir_.path() + "/letsencrypt");
  std::ofstream(options) << kCertbotOptions;
  std::ofstream(tree() + "/sites-available/example.com.conf") << kCertbotHttpSite;
  std::ofstream(tree() + "/sites-available/example.com-le-ssl.conf") << certbot_tls_site(options);
  for (const char* s : {"example.com.conf", "example.com-le-ssl.conf"}) {
    fs::create_symlink(std::string("../sites-available/") + s, tree() + "/sites-enabled/" + s);
  }
  ProcessResult r = tern({"-t", "-d", tree(), "-f", "apache2.conf"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Syntax OK"), std::string::npos) << r.output;

  TreePair pair;
  start_tree_pair(dir_.path(), {"000-default.conf", "example.com.conf"},
                  {"default-ssl.conf", "example.com-le-ssl.conf"}, &pair);
  if (HasFatalFailure()) return;
  const int* ports = pair.ports;
  const int* tls_ports = pair.tls_ports;
  // Port 80: certbot's redirect for its names, the default site for any other.
  for (const std::string host : {"example.com", "www.example.com", "other.example"}) {
    SCOPED_TRACE(host);
    const std::string req = http_request("GET", "/some/page?q=1", {"Host: " + host});
    auto a = fetch(ports[0], req);
    auto t = fetch(ports[1], req);
    ASSERT_TRUE(a && t);
    EXPECT_EQ(t->status, a->status) << t->body;
    EXPECT_EQ(headers_map(*t)["location"], headers_map(*a)["location"]);
    if (host != "other.example") {
      EXPECT_EQ(a->status, 301);
      EXPECT_EQ(headers_map(*a)["location"], "https://" + host + "/some/page?q=1");
    }
  }
  // Port 443: the certbot vhost by SNI, with HSTS on answers and errors alike.
  for (const char* path : {"/", "/nonexistent"}) {
    SCOPED_TRACE(path);
    std::pair<std::string, std::string> answers[2];
    for (int i = 0; i < 2; ++i) {
      const std::string tp = std::to_string(tls_ports[i]);
      answers[i] = curl_field(
          {"--resolve", "example.com:" + tp + ":127.0.0.1", "https://example.com:" + tp + path},
          "strict-transport-security");
    }
    ASSERT_FALSE(answers[0].first.empty());
    EXPECT_EQ(answers[1].first, answers[0].first);
    EXPECT_EQ(answers[0].second, "max-age=31536000");
    EXPECT_EQ(answers[1].second, answers[0].second);
  }
  EXPECT_EQ(pair.servers[0]->finish(SIGTERM).exit_code, 0);
  EXPECT_EQ(pair.servers[1]->finish(SIGTERM).exit_code, 0);
}

}  // namespace
}  // namespace tern::test
