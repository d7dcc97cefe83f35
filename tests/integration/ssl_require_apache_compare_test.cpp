// mod_ssl's access control on a plain connection as Debian's apache2 answers it:
// SSLRequireSSL (alone, inherited, in .htaccess, under `Satisfy Any` with and without
// SSLOptions +StrictRequire, beside authentication) and `Require ssl`, in <Location> and
// <Directory> sections given to Debian's httpd 2.4 + mod_ssl (apache_harness.h) and to
// tern in one test; statuses compared, and AH02219 checked in both error logs. The same
// sections over TLS are in tls_env_test.cpp.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apache_harness.h"

namespace tern::test {
namespace {

constexpr const char* kModules[][2] = {
    {"ssl_module", "mod_ssl.so"},
    {"socache_shmcb_module", "mod_socache_shmcb.so"},
    {"access_compat_module", "mod_access_compat.so"},
    {"authz_host_module", "mod_authz_host.so"},
    {"authz_user_module", "mod_authz_user.so"},
    {"authn_core_module", "mod_authn_core.so"},
    {"authn_file_module", "mod_authn_file.so"},
    {"auth_basic_module", "mod_auth_basic.so"},
};

// alice:secret, in Basic form.
constexpr const char* kAlice = "Authorization: Basic YWxpY2U6c2VjcmV0";

struct Case {
  const char* name;        // the <Location /name> and its file /name/f
  const char* directives;  // inside the section ("AUTH" is replaced by Basic auth lines)
  int expected;            // what httpd answers without credentials (checked)
  int expected_alice;      // … and with alice's
};

const Case kCases[] = {
    {"required", "SSLRequireSSL\n", 403, 403},
    // httpd 2.4 ignores words after SSLRequireSSL.
    {"required-with-words", "SSLRequireSSL on\n", 403, 403},
    {"all-with-auth", "SSLRequireSSL\nAUTH", 403, 403},
    // Satisfy Any: SSLRequireSSL's refusal leaves the decision to Require.
    {"any-granted", "SSLRequireSSL\nSatisfy Any\nRequire all granted\n", 200, 200},
    {"any-denied", "SSLRequireSSL\nSatisfy Any\nRequire all denied\n", 403, 403},
    {"any-auth", "SSLRequireSSL\nSatisfy Any\nAUTH", 401, 200},
    // +StrictRequire refuses again where authentication would run, not where Require
    // grants without it.
    {"any-strict-auth", "SSLRequireSSL\nSSLOptions +StrictRequire\nSatisfy Any\nAUTH", 403, 403},
    {"any-strict-granted",
     "SSLRequireSSL\nSSLOptions +StrictRequire\nSatisfy Any\nRequire all granted\n", 200, 200},
    // Host access granted, SSLRequireSSL refused: both access checkers must pass for Any.
    {"any-host-allowed",
     "Order Allow,Deny\nAllow from all\nSSLRequireSSL\nSatisfy Any\nRequire all denied\n", 403,
     403},
    {"require-ssl", "Require ssl\n", 403, 403},
    {"require-not-ssl", "<RequireAll>\nRequire all granted\nRequire not ssl\n</RequireAll>\n", 200,
     200},
    {"require-ssl-or-user", "<RequireAny>\nRequire ssl\nRequire valid-user\n</RequireAny>\nAUTH",
     401, 200},
};

class SslRequireVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available() &&
                ::access((std::string(kApacheModules) + "/mod_ssl.so").c_str(), R_OK) == 0)
        << "apache2 with mod_ssl is missing: scripts/deps.sh test installs it";
    const std::string users = apache_.root().path() + "/users";
    ProcessResult pw =
        run_process({"/usr/bin/htpasswd", "-b", "-c", "-B", users, "alice", "secret"});
    ASSERT_EQ(pw.exit_code, 0) << pw.output;
    ::chmod(users.c_str(), 0644);  // apache's child runs as nobody
    const std::string auth =
        "AuthType Basic\nAuthName \"Members\"\nAuthUserFile " + users + "\nRequire valid-user\n";
    std::string load;
    for (const auto& m : kModules)
      load += std::string("LoadModule ") + m[0] + " " + kApacheModules + "/" + m[1] + "\n";
    std::string conf = "<Directory />\nRequire all granted\n</Directory>\n";
    for (const Case& c : kCases) {
      put_both(std::string(c.name) + "/f");
      std::string body = c.directives;
      if (const size_t at = body.find("AUTH"); at != std::string::npos) body.replace(at, 4, auth);
      conf += std::string("<Location /") + c.name + ">\n" + body + "</Location>\n";
    }
    // A nested section inherits SSLRequireSSL and cannot turn it off.
    put_both("nested/sub/f");
    conf +=
        "<Location /nested>\nSSLRequireSSL\n</Location>\n<Location /nested/sub>\n"
        "Satisfy All\n</Location>\n";
    // .htaccess: with AllowOverride AuthConfig, without it (a 500), and not read at all.
    for (const char* dir : {"ht-authconfig", "ht-options", "ht-none"}) {
      put_both(std::string(dir) + "/f");
      put_both(std::string(dir) + "/.htaccess", "SSLRequireSSL\n");
    }
    const std::string apache_conf =
        load + conf + overrides(apache_.root().path() + "/htdocs") + "LogLevel info\n";
    ASSERT_TRUE(apache_.start(apache_conf)) << apache_.log();
    ASSERT_TRUE(tern_.start("ServerName 127.0.0.1\n" + conf +
                            overrides(tern_.root().path() + "/htdocs") + "LogLevel info\n"))
        << tern_.log();
  }

  static std::string overrides(const std::string& htdocs) {
    return "<Directory " + htdocs + "/ht-authconfig>\nAllowOverride AuthConfig\n</Directory>\n" +
           "<Directory " + htdocs + "/ht-options>\nAllowOverride Options\n</Directory>\n" +
           "<Directory " + htdocs + "/ht-none>\nAllowOverride None\n</Directory>\n";
  }

  void put_both(const std::string& rel, const std::string& content = "file\n") {
    apache_.put(rel, content);
    tern_.put(rel, content);
  }

  ApacheServer apache_;
  Server tern_;
};

TEST_F(SslRequireVersusApache, SameStatusesAndLogLines) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const std::string path = std::string("/") + c.name + "/f";
    expect_same_status(apache_, tern_, path, c.expected);
    expect_same_status(apache_, tern_, path, c.expected_alice, {kAlice});
  }
  const struct {
    const char* path;
    int expected;
  } kPaths[] = {{"/nested/sub/f", 403},
                {"/ht-authconfig/f", 403},
                {"/ht-options/f", 500},
                {"/ht-none/f", 200}};
  for (const auto& p : kPaths) {
    SCOPED_TRACE(p.path);
    expect_same_status(apache_, tern_, p.path, p.expected);
  }
  // The refusal names the file, at level error, in both logs.
  const std::string line = "AH02219: access to ";
  const std::string tail = "/htdocs/required/f failed, reason: SSL connection required";
  EXPECT_NE(apache_.read("logs/error_log").find(line + apache_.root().path() + tail),
            std::string::npos)
      << apache_.read("logs/error_log");
  EXPECT_NE(tern_.read("logs/error_log").find(line + tern_.root().path() + tail), std::string::npos)
      << tern_.read("logs/error_log");
  EXPECT_NE(tern_.read("logs/error_log").find("[ssl:error]"), std::string::npos);
  // .htaccess without AllowOverride AuthConfig: httpd's words.
  EXPECT_NE(apache_.read("logs/error_log").find("SSLRequireSSL not allowed here"),
            std::string::npos)
      << apache_.read("logs/error_log");
  EXPECT_NE(tern_.read("logs/error_log").find("SSLRequireSSL not allowed here"), std::string::npos)
      << tern_.read("logs/error_log");
}

// Where httpd refuses the directives at start-up, tern does too, with FILE:LINE.
TEST(SslRequireCheck, RefusedWhereHttpdRefusesThem) {
  const struct {
    const char* text;
    const char* message;  // what both say
  } kCases[] = {
      {"SSLRequireSSL\n", "SSLRequireSSL not allowed here"},
      {"<VirtualHost *:1>\nSSLRequireSSL\n</VirtualHost>\n",
       "SSLRequireSSL not allowed in <VirtualHost> context"},
      {"<Location />\nRequire ssl on\n</Location>\n", "'Require ssl' does not take arguments"},
      {"<Location />\nRequire ssl-verify-client x\n</Location>\n",
       "'Require ssl-verify-client' does not take arguments"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    TempDir d;
    d.write("htdocs/index.html", "x");
    d.write("logs/.keep", "");
    const std::string load = std::string("LoadModule ssl_module ") + kApacheModules +
                             "/mod_ssl.so\nLoadModule authz_core_module " + kApacheModules +
                             "/mod_authz_core.so\nLoadModule mpm_event_module " + kApacheModules +
                             "/mod_mpm_event.so\n";
    d.write("apache.conf", load + "ServerRoot " + d.path() + "\nListen 127.0.0.1:1\nPidFile " +
                               d.path() + "/logs/pid\nErrorLog " + d.path() + "/logs/error_log\n" +
                               c.text);
    d.write("tern.conf", std::string("Listen 127.0.0.1:1\n") + c.text);
    ProcessResult a = run_process({kApacheBinary, "-t", "-f", d.path() + "/apache.conf"}, 60000);
    EXPECT_NE(a.exit_code, 0) << a.output;
    EXPECT_NE(a.output.find(c.message), std::string::npos) << a.output;
    ProcessResult t = run_process({TERN_BINARY, "-d", d.path(), "-f", "tern.conf", "-t"}, 60000);
    EXPECT_EQ(t.exit_code, 1) << t.output;
    EXPECT_NE(t.output.find(d.path() + "/tern.conf:"), std::string::npos) << t.output;
    EXPECT_NE(t.output.find(c.message), std::string::npos) << t.output;
  }
}

}  // namespace
}  // namespace tern::test
