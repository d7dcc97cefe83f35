// SSLProtocol: mod_ssl 2.4's parse, and what a real in-process handshake then negotiates.

#include "modules/ssl/ssl_protocols.h"

#include <gtest/gtest.h>

#include "modules/ssl/ssl_ciphers.h"
#include "ssl_policy_test_util.h"

namespace tern::ssl {
namespace {

using namespace testing;

SslProtocols parse_ok(const std::vector<std::string>& words) {
  SslProtocols p;
  EXPECT_EQ(parse_ssl_protocol(words, &p), "");
  return p;
}

TEST(SslProtocolParse, DebianDefaultIsAllButSslv3) {
  SslProtocols p = parse_ok({"all", "-SSLv3"});
  EXPECT_EQ(p.enabled, kProtoAll);
  EXPECT_EQ(p.named, 0u);
}

TEST(SslProtocolParse, PrefixesAddAndRemoveCaseInsensitively) {
  SslProtocols p = parse_ok({"-all", "+tlsv1.2", "+TLSV1.3"});
  EXPECT_EQ(p.enabled, kProtoTlsV1_2 | kProtoTlsV1_3);
  EXPECT_EQ(p.named, kProtoTlsV1_2 | kProtoTlsV1_3);
  p = parse_ok({"all", "-TLSv1", "-TLSv1.1"});
  EXPECT_EQ(p.enabled, kProtoTlsV1_2 | kProtoTlsV1_3);
  EXPECT_EQ(p.named, 0u);
}

TEST(SslProtocolParse, UnprefixedWordResetsWithHttpdsWarning) {
  SslProtocols p;
  std::vector<std::string> warnings;
  ASSERT_EQ(parse_ssl_protocol({"TLSv1.2", "TLSv1.3"}, &p, &warnings), "");
  EXPECT_EQ(p.enabled, kProtoTlsV1_3);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "SSLProtocol: Protocol 'TLSv1.3' overrides already set parameter(s). Check if a +/- "
            "prefix is missing.");
}

TEST(SslProtocolParse, ErrorsInHttpdsWords) {
  SslProtocols p;
  EXPECT_EQ(parse_ssl_protocol({"TLSv9"}, &p), "SSLProtocol: Illegal protocol 'TLSv9'");
  EXPECT_EQ(parse_ssl_protocol({"all", "+TLSv9"}, &p), "SSLProtocol: Illegal protocol 'TLSv9'");
  EXPECT_EQ(parse_ssl_protocol({"SSLv2"}, &p), "SSLProtocol: SSLv2 is no longer supported");
  EXPECT_EQ(parse_ssl_protocol({"+SSLv3"}, &p), "SSLv3 not supported by this version of OpenSSL");
  EXPECT_EQ(parse_ssl_protocol({"all", "-SSLv2", "-SSLv3"}, &p), "");
}

int negotiated(SSL_CTX* server, int client_min, int client_max) {
  Identity id = make_identity("proto.test");
  SSL_CTX_use_certificate(server, id.cert.get());
  SSL_CTX_use_PrivateKey(server, id.key.get());
  CtxPtr client = client_ctx();
  SSL_CTX_set_security_level(client.get(), 0);
  SSL_CTX_set_cipher_list(client.get(), "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(client.get(), client_min);
  SSL_CTX_set_max_proto_version(client.get(), client_max);
  Conn c = connect(client.get(), server);
  if (!handshake(c)) return 0;
  return SSL_version(c.client.get());
}

CtxPtr server_with(const SslProtocols& p, bool legacy_level = false) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (legacy_level) {
    EXPECT_EQ(apply_cipher_policy(ctx.get(), {"DEFAULT:@SECLEVEL=0", kDefaultTls13Ciphers}), "");
  }
  EXPECT_EQ(apply_ssl_protocols(ctx.get(), p), "");
  return ctx;
}

TEST(SslProtocolApply, DefaultIsTls12And13Only) {
  CtxPtr ctx = server_with(default_ssl_protocols());
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_3_VERSION), TLS1_3_VERSION);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_2_VERSION), TLS1_2_VERSION);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_1_VERSION), 0);
}

TEST(SslProtocolApply, SingleVersion) {
  CtxPtr ctx = server_with(parse_ok({"TLSv1.3"}));
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_3_VERSION), TLS1_3_VERSION);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_2_VERSION), 0);
  ctx = server_with(parse_ok({"TLSv1.2"}));
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_3_VERSION), TLS1_2_VERSION);
}

TEST(SslProtocolApply, AllMeansWhatTheSecurityLevelAllows) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  ASSERT_GT(SSL_CTX_get_security_level(ctx.get()), 0);
  ASSERT_EQ(apply_ssl_protocols(ctx.get(), parse_ok({"all", "-SSLv3"})), "");
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(ctx.get()), TLS1_3_VERSION);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_1_VERSION), 0);
}

TEST(SslProtocolApply, NamedLegacyVersionAboveLevelZeroIsAnError) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  int level = SSL_CTX_get_security_level(ctx.get());
  EXPECT_EQ(apply_ssl_protocols(ctx.get(), parse_ok({"TLSv1.1", "+TLSv1.2"})),
            "SSLProtocol: TLSv1.1 cannot be negotiated at OpenSSL security level " +
                std::to_string(level) +
                " (add :@SECLEVEL=0 to SSLCipherSuite to allow it, or remove it)");
}

TEST(SslProtocolApply, NothingLeftIsAnError) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  EXPECT_EQ(apply_ssl_protocols(ctx.get(), parse_ok({"all", "-TLSv1.2", "-TLSv1.3"})),
            "No SSL protocols available [hint: SSLProtocol]");
  EXPECT_EQ(apply_ssl_protocols(ctx.get(), parse_ok({"-all"})),
            "No SSL protocols available [hint: SSLProtocol]");
}

TEST(SslProtocolApply, LegacyVersionAtLevelZeroIsNegotiated) {
  CtxPtr ctx = server_with(parse_ok({"TLSv1.1"}), true);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_3_VERSION), TLS1_1_VERSION);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_2_VERSION, TLS1_3_VERSION), 0);
}

// mod_ssl: "we do not allow holes between max and min": what lies below a hole is dropped.
TEST(SslProtocolApply, VersionsBelowAHoleAreNotNegotiated) {
  CtxPtr ctx = server_with(parse_ok({"TLSv1", "+TLSv1.2"}), true);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_2_VERSION), TLS1_2_VERSION);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_1_VERSION, TLS1_1_VERSION), 0);
  EXPECT_EQ(negotiated(ctx.get(), TLS1_VERSION, TLS1_VERSION), 0);
  CtxPtr run = server_with(parse_ok({"TLSv1.1", "+TLSv1.2"}), true);
  EXPECT_EQ(negotiated(run.get(), TLS1_1_VERSION, TLS1_1_VERSION), TLS1_1_VERSION);
}

}  // namespace
}  // namespace tern::ssl
