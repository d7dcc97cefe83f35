// SSLOpenSSLConfCmd: mod_ssl's checks when read, and commands that change a real handshake.

#include "modules/ssl/ssl_conf_cmd.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ssl_policy_test_util.h"

namespace tern::ssl {
namespace {

using namespace testing;

TEST(SslConfCmdParse, UnknownNameInHttpdsWords) {
  ConfCmd c;
  EXPECT_EQ(parse_openssl_conf_cmd("NoSuchCommand", "x", "", &c),
            "'NoSuchCommand': invalid OpenSSL configuration command");
  // Command-line spellings are not file commands.
  EXPECT_EQ(parse_openssl_conf_cmd("-cipher", "HIGH", "", &c),
            "'-cipher': invalid OpenSSL configuration command");
}

TEST(SslConfCmdParse, CipherStringGetsMandatoryExclusions) {
  ConfCmd c;
  ASSERT_EQ(parse_openssl_conf_cmd("CipherString", "HIGH", "", &c), "");
  EXPECT_EQ(c, (ConfCmd{"CipherString", "HIGH:!aNULL:!eNULL:!EXP"}));
  ASSERT_EQ(parse_openssl_conf_cmd("Curves", "X25519:P-256", "", &c), "");
  EXPECT_EQ(c, (ConfCmd{"Curves", "X25519:P-256"}));
}

TEST(SslConfCmdParse, FileValuedCommandNeedsTheFile) {
  ConfCmd c;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tern-confcmd-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  EXPECT_EQ(
      parse_openssl_conf_cmd("DHParameters", "dh.pem", dir.string(), &c),
      "SSLOpenSSLConfCmd: file '" + (dir / "dh.pem").string() + "' does not exist or is empty");
  std::ofstream(dir / "dh.pem") << "x";
  EXPECT_EQ(parse_openssl_conf_cmd("DHParameters", "dh.pem", dir.string(), &c), "");
  EXPECT_EQ(c.value, (dir / "dh.pem").string());
  std::filesystem::remove_all(dir);
}

TEST(SslConfCmdApply, ProtocolAndCurvesChangeTheHandshake) {
  Identity id = make_identity("confcmd.test");
  CtxPtr server = server_ctx(id);
  std::vector<ConfCmd> cmds(2);
  ASSERT_EQ(parse_openssl_conf_cmd("MinProtocol", "TLSv1.3", "", &cmds[0]), "");
  ASSERT_EQ(parse_openssl_conf_cmd("Groups", "P-384", "", &cmds[1]), "");
  ASSERT_EQ(apply_openssl_conf_cmds(server.get(), cmds, "www.example:443"), "");
  CtxPtr client = client_ctx();
  Conn c = connect(client.get(), server.get());
  ASSERT_TRUE(handshake(c));
  EXPECT_EQ(SSL_version(c.server.get()), TLS1_3_VERSION);
  EXPECT_EQ(SSL_get_negotiated_group(c.server.get()), NID_secp384r1);
  CtxPtr old_client = client_ctx();
  SSL_CTX_set_max_proto_version(old_client.get(), TLS1_2_VERSION);
  Conn o = connect(old_client.get(), server.get());
  EXPECT_FALSE(handshake(o));
}

TEST(SslConfCmdApply, BadValueInHttpdsWords) {
  CtxPtr server(SSL_CTX_new(TLS_server_method()));
  std::string err =
      apply_openssl_conf_cmds(server.get(), {{"MinProtocol", "TLSv7"}}, "www.example:443");
  EXPECT_EQ(err.rfind("\"SSLOpenSSLConfCmd MinProtocol TLSv7\" failed for www.example:443", 0), 0u)
      << err;
}

}  // namespace
}  // namespace tern::ssl
