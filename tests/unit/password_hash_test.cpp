// htpasswd's hash formats, checked against hashes made at test time by Debian's own
// tools (htpasswd from apache2-utils, openssl passwd).

#include "modules/auth/password_hash.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

namespace tern {
namespace {

// The first line `cmd` prints (without its newline); fails the test when it fails.
std::string run(const std::string& cmd) {
  struct Close {
    void operator()(FILE* f) const { pclose(f); }
  };
  std::unique_ptr<FILE, Close> p(popen(cmd.c_str(), "r"));
  EXPECT_NE(p, nullptr) << cmd;
  if (!p) return "";
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof(buf), p.get()) != nullptr) out += buf;
  const int status = pclose(p.release());
  EXPECT_EQ(status, 0) << cmd;
  const size_t nl = out.find('\n');
  return out.substr(0, nl);
}

// htpasswd -nb with `flags` for user "u": the hash part of "u:hash".
std::string htpasswd(const std::string& flags, const std::string& password) {
  std::string line = run("htpasswd -nb " + flags + " u '" + password + "'");
  EXPECT_TRUE(line.starts_with("u:")) << line;
  return line.size() > 2 ? line.substr(2) : "";
}

constexpr const char* kPassword = "s3cr3t p@ss:word";

void expect_format(const std::string& hash, std::string_view prefix) {
  SCOPED_TRACE(hash);
  EXPECT_TRUE(hash.starts_with(prefix));
  EXPECT_TRUE(password_validate(kPassword, hash));
  EXPECT_FALSE(password_validate("s3cr3t p@ss:wore", hash));
  EXPECT_FALSE(password_validate("", hash));
}

TEST(PasswordHash, BcryptFromHtpasswd) {
  const std::string hash = htpasswd("-B -C 4", kPassword);
  expect_format(hash, "$2y$04$");
  // The same hash under the other bcrypt prefixes (identical for ASCII passwords).
  expect_format("$2a$" + hash.substr(4), "$2a$");
  expect_format("$2b$" + hash.substr(4), "$2b$");
}

TEST(PasswordHash, Apr1FromHtpasswd) {
  expect_format(htpasswd("-m", kPassword), "$apr1$");
}

TEST(PasswordHash, Apr1MatchesOpenssl) {
  for (const std::string salt : {"abcdefgh", "x", "a.b/c9Z0"}) {
    for (const std::string pw : {"", "pw", "a much longer password than sixteen bytes!"}) {
      EXPECT_EQ(apr1_md5_encode(pw, salt),
                run("openssl passwd -apr1 -salt '" + salt + "' '" + pw + "'"))
          << salt << " " << pw;
    }
  }
  // The salt ends at '$' and after 8 characters; a leading "$apr1$" is skipped.
  EXPECT_EQ(apr1_md5_encode("pw", "$apr1$abcdefghij$rest"), apr1_md5_encode("pw", "abcdefgh"));
}

TEST(PasswordHash, Sha1FromHtpasswd) {
  const std::string hash = htpasswd("-s", kPassword);
  expect_format(hash, "{SHA}");
  EXPECT_EQ(sha1_base64_encode(kPassword), hash);
}

TEST(PasswordHash, CryptFromHtpasswdAndOpenssl) {
  // DES crypt uses the first 8 characters only (as httpd, through crypt(3)).
  const std::string des = htpasswd("-d", "pass1234");
  EXPECT_EQ(des.size(), 13u);
  EXPECT_TRUE(password_validate("pass1234", des));
  EXPECT_TRUE(password_validate("pass1234-ignored", des));
  EXPECT_FALSE(password_validate("pass1235", des));
  expect_format(run(std::string("openssl passwd -1 '") + kPassword + "'"), "$1$");
  expect_format(run(std::string("openssl passwd -5 '") + kPassword + "'"), "$5$");
  expect_format(run(std::string("openssl passwd -6 '") + kPassword + "'"), "$6$");
}

TEST(PasswordHash, PlaintextAndBrokenHashesNeverMatch) {
  EXPECT_FALSE(password_validate("secret", "secret"));  // plaintext: Windows-only in httpd
  EXPECT_FALSE(password_validate("", ""));
  EXPECT_FALSE(password_validate("x", "*0"));
  EXPECT_FALSE(password_validate("x", "*1"));
  EXPECT_FALSE(password_validate("x", "$2y$04$short"));
  EXPECT_FALSE(password_validate("x", "{SHA}"));
  EXPECT_FALSE(password_validate("x", "$apr1$"));
  EXPECT_FALSE(password_validate(std::string("a\0b", 3), htpasswd("-s", "a")));
}

TEST(PasswordHash, ConstantTimeEquality) {
  EXPECT_TRUE(equal_constant_time("", ""));
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
}

}  // namespace
}  // namespace tern
