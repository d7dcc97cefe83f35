#pragma once
// A throw-away PKI for TLS tests, made at test time with the openssl CLI (no key or
// certificate is ever committed): a CA and leaves signed by it, in one temporary directory.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace tern::test {

// One certificate to make: NAME.pem and NAME.key, signed by the CA.
struct TestLeaf {
  std::string name;     // file name stem
  std::string subject;  // e.g. "/CN=a.test" or "/O=tern test/CN=alice"
  // X.509v3 extension lines, e.g. "subjectAltName=DNS:a.test" (may be empty).
  std::string extensions;
  // The openssl req -newkey argument; ECDSA P-256 unless given (e.g. "rsa:2048").
  std::string key = "ec -pkeyopt ec_paramgen_curve:P-256";
};

// The CA (ca.pem, ca.key: ECDSA P-256, subject `ca_subject`) and `leaves` in a new
// temporary directory; null (with the openssl output added to *error) on failure.
std::unique_ptr<TempDir> make_test_pki(const std::string& ca_subject,
                                       const std::vector<TestLeaf>& leaves, std::string* error);

// A leaf for DNS name `host` (subject CN=host, subjectAltName=DNS:host).
TestLeaf leaf_for_host(const std::string& name, const std::string& host,
                       const std::string& subject_prefix = "");

// A fixture whose tests share one PKI, made once for the suite: `Derived` provides
// `static std::string ca_subject()` and `static std::vector<TestLeaf> leaves()`.
template <class Derived>
class PkiSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    certs_ = make_test_pki(Derived::ca_subject(), Derived::leaves(), &error).release();
    ASSERT_NE(certs_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  // The path of the PKI's file `name` (ca.pem, NAME.pem, NAME.key).
  static std::string cert(const std::string& name) { return certs_->path() + "/" + name; }

  inline static TempDir* certs_ = nullptr;
};

}  // namespace tern::test
