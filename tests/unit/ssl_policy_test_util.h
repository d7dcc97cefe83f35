#pragma once
// In-process TLS for the SSL policy unit tests: keys and certificates made at test time
// (never committed) and a client/server handshake over an OpenSSL BIO pair.

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace tern::ssl::testing {

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct SessionFree {
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

// A fresh ECDSA P-256 key.
inline PkeyPtr make_key() {
  return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named O=tern test, CN=`cn`, signed by issuer (self-signed when
// issuer is null); `ca` makes it a CA certificate.
inline X509Ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
                         bool ca) {
  static long serial = 1;
  X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("tern test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : x.get();
  add_ext(x.get(), signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca) add_ext(x.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(x.get(), signer, NID_subject_key_identifier, "hash");
  X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256());
  return x;
}

// A key and its self-signed certificate.
struct Identity {
  PkeyPtr key;
  X509Ptr cert;
};
inline Identity make_identity(const std::string& cn) {
  Identity id;
  id.key = make_key();
  id.cert = make_cert(id.key.get(), cn, nullptr, nullptr, false);
  return id;
}

// A server SSL_CTX presenting `id`.
inline CtxPtr server_ctx(const Identity& id) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  SSL_CTX_use_certificate(ctx.get(), id.cert.get());
  SSL_CTX_use_PrivateKey(ctx.get(), id.key.get());
  return ctx;
}

// A client SSL_CTX that does not verify the server.
inline CtxPtr client_ctx() {
  CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  return ctx;
}

// A client context that speaks only protocol `version` (TLS1_2_VERSION, TLS1_3_VERSION).
inline CtxPtr client_ctx(int version) {
  CtxPtr ctx = client_ctx();
  SSL_CTX_set_min_proto_version(ctx.get(), version);
  SSL_CTX_set_max_proto_version(ctx.get(), version);
  return ctx;
}

// A client and a server SSL joined by a BIO pair.
struct Conn {
  SslPtr client;
  SslPtr server;
};
inline Conn connect(SSL_CTX* client, SSL_CTX* server) {
  Conn c{SslPtr(SSL_new(client)), SslPtr(SSL_new(server))};
  BIO* cb = nullptr;
  BIO* sb = nullptr;
  BIO_new_bio_pair(&cb, 0, &sb, 0);
  SSL_set_bio(c.client.get(), cb, cb);
  SSL_set_bio(c.server.get(), sb, sb);
  SSL_set_connect_state(c.client.get());
  SSL_set_accept_state(c.server.get());
  return c;
}

// One step of a handshake: true when done, false on want-read/want-write, -1 on failure.
inline int step(SSL* ssl) {
  int r = SSL_do_handshake(ssl);
  if (r == 1) return 1;
  int e = SSL_get_error(ssl, r);
  return (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) ? 0 : -1;
}

// Drives both ends' handshakes; true when both completed.
inline bool handshake(Conn& c) {
  bool cdone = false, sdone = false;
  for (int i = 0; i < 64 && !(cdone && sdone); ++i) {
    if (!cdone) {
      int r = step(c.client.get());
      if (r < 0) return false;
      cdone = r == 1;
    }
    if (!sdone) {
      int r = step(c.server.get());
      if (r < 0) return false;
      sdone = r == 1;
    }
  }
  return cdone && sdone;
}

// Server writes a byte the client reads (which also makes the client read TLS 1.3 tickets),
// then the client answers; true when both arrived.
inline bool exchange(Conn& c) {
  char b = 'x';
  if (SSL_write(c.server.get(), &b, 1) != 1) return false;
  if (SSL_read(c.client.get(), &b, 1) != 1) return false;
  if (SSL_write(c.client.get(), &b, 1) != 1) return false;
  return SSL_read(c.server.get(), &b, 1) == 1;
}

// Marks both ends as shut down cleanly: OpenSSL drops (and marks not resumable) the session
// of a connection freed without a shutdown.
inline void close_cleanly(Conn& c) {
  SSL_set_shutdown(c.client.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  SSL_set_shutdown(c.server.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

// A full connection (optionally offering `session`): handshake and one exchange. Returns the
// client's session afterwards (null on failure); *reused tells whether it resumed.
inline SessionPtr connect_once(SSL_CTX* client, SSL_CTX* server, SSL_SESSION* session,
                               bool* reused) {
  Conn c = connect(client, server);
  if (session) SSL_set_session(c.client.get(), session);
  if (!handshake(c) || !exchange(c)) return nullptr;
  if (reused) *reused = SSL_session_reused(c.client.get()) == 1;
  close_cleanly(c);
  return SessionPtr(SSL_get1_session(c.client.get()));
}

// A fixture with a test CA (written to ca_file_ in a per-test directory), a client
// certificate "alice" it signed, and a self-signed server identity "server.test".
class ClientCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_key_ = make_key();
    ca_ = make_cert(ca_key_.get(), "tern test CA", nullptr, nullptr, true);
    alice_key_ = make_key();
    alice_ = make_cert(alice_key_.get(), "alice", ca_.get(), ca_key_.get(), false);
    dir_ = std::filesystem::temp_directory_path() /
           ("tern-ca-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ca_file_ = (dir_ / "ca.pem").string();
    FILE* f = std::fopen(ca_file_.c_str(), "w");
    PEM_write_X509(f, ca_.get());
    std::fclose(f);
    server_id_ = make_identity("server.test");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PkeyPtr ca_key_, alice_key_;
  X509Ptr ca_, alice_;
  Identity server_id_;
  std::filesystem::path dir_;
  std::string ca_file_;
};

}  // namespace tern::ssl::testing
