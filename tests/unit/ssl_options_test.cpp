// SSLOptions as mod_ssl parses (ssl_cmd_SSLOptions) and merges (ssl_config_perdir_merge) it.

#include "modules/ssl/ssl_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tern::ssl {
namespace {

SslDirConfig parsed(std::vector<std::string> words, std::string* err = nullptr) {
  SslDirConfig c;
  std::string e = apply_ssl_options(c, words);
  if (err != nullptr) *err = e;
  return c;
}

unsigned merged(const SslDirConfig& base, const SslDirConfig& add) {
  return static_cast<const SslDirConfig&>(*base.merge(add)).options;
}

TEST(SslOptions, PlusAddsToTheEnclosingScope) {
  SslDirConfig server = parsed({"+ExportCertData"});
  SslDirConfig files = parsed({"+StdEnvVars"});
  EXPECT_EQ(merged(server, files), kOptExportCertData | kOptStdEnvVars);
}

TEST(SslOptions, MinusRemovesWhatTheEnclosingScopeSet) {
  SslDirConfig server = parsed({"+StdEnvVars", "+StrictRequire"});
  SslDirConfig dir = parsed({"-StdEnvVars"});
  EXPECT_EQ(merged(server, dir), kOptStrictRequire);
}

TEST(SslOptions, AbsoluteFormReplacesTheEnclosingScope) {
  SslDirConfig server = parsed({"+StdEnvVars", "+StrictRequire"});
  SslDirConfig dir = parsed({"ExportCertData"});
  EXPECT_EQ(merged(server, dir), kOptExportCertData);
  // mod_ssl: each plain word sets the options anew ("StdEnvVars ExportCertData" keeps the
  // last); a + after them adds.
  EXPECT_EQ(parsed({"StdEnvVars", "ExportCertData"}).options, kOptExportCertData);
  EXPECT_EQ(parsed({"StdEnvVars", "+ExportCertData"}).options, kOptStdEnvVars | kOptExportCertData);
}

TEST(SslOptions, ThreeLevelsKeepTheRelativeChanges) {
  SslDirConfig server = parsed({"StdEnvVars"});
  SslDirConfig dir = parsed({"+ExportCertData"});
  SslDirConfig files = parsed({"-StdEnvVars"});
  auto mid = server.merge(dir);
  EXPECT_EQ(merged(static_cast<const SslDirConfig&>(*mid), files), kOptExportCertData);
}

TEST(SslOptions, NoSslOptionsAnywhereIsNone) {
  SslDirConfig a, b;
  EXPECT_EQ(merged(a, b), 0u);
  EXPECT_EQ(merged(a, parsed({"+OptRenegotiate"})), unsigned{kOptOptRenegotiate});
}

// Per-directory SSLVerifyClient and SSLVerifyDepth: the innermost scope that sets one wins
// (mod_ssl's cfgMerge against UNSET), independently of each other.
TEST(SslOptions, VerifyClientAndDepthComeFromTheInnermostScopeThatSetsThem) {
  SslDirConfig location;
  location.verify_client = 2;  // require
  location.verify_depth = 3;
  SslDirConfig files;
  files.verify_depth = 1;
  auto m = location.merge(files);
  const auto& c = static_cast<const SslDirConfig&>(*m);
  EXPECT_EQ(c.verify_client, 2);
  EXPECT_EQ(c.verify_depth, 1);
  SslDirConfig none;
  none.verify_client = 0;  // `SSLVerifyClient none` below a `require`
  EXPECT_EQ(static_cast<const SslDirConfig&>(*location.merge(none)).verify_client, 0);
  EXPECT_EQ(static_cast<const SslDirConfig&>(*SslDirConfig{}.merge(SslDirConfig{})).verify_client,
            -1);
}

TEST(SslOptions, ErrorsInModSslsWordsAndUnsupportedOptionsRefused) {
  std::string err;
  parsed({"+Bogus"}, &err);
  EXPECT_EQ(err, "SSLOptions: Illegal option 'Bogus'");
  parsed({"stdenvvars"}, &err);  // mod_ssl compares case-sensitively
  EXPECT_EQ(err, "SSLOptions: Illegal option 'stdenvvars'");
  parsed({"+FakeBasicAuth"}, &err);
  EXPECT_NE(err.find("'FakeBasicAuth' is not supported by tern"), std::string::npos) << err;
  parsed({"+StdEnvVars", "+StrictRequire", "-OptRenegotiate"}, &err);
  EXPECT_EQ(err, "");
}

}  // namespace
}  // namespace tern::ssl
