#include "modules/ssl/ssl_vars.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <charconv>
#include <cstdlib>
#include <memory>

#include "modules/ssl/client_verify.h"

namespace tern::ssl {

namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string bio_text(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

// mod_ssl's DN string (RFC 2253 without escaping UTF-8, 2.4's default format).
std::string dn_text(const X509_NAME* name) {
  BioPtr b(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(b.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return bio_text(b.get());
}

// ssl_var_lookup_ssl_cert_dn_rec: tag → NID (SP is ST's other name, not extracted).
struct DnTag {
  std::string_view tag;
  int nid;
};
constexpr DnTag kDnTags[] = {
    {"C", NID_countryName},
    {"ST", NID_stateOrProvinceName},
    {"SP", NID_stateOrProvinceName},
    {"L", NID_localityName},
    {"O", NID_organizationName},
    {"OU", NID_organizationalUnitName},
    {"CN", NID_commonName},
    {"T", NID_title},
    {"I", NID_initials},
    {"G", NID_givenName},
    {"S", NID_surname},
    {"D", NID_description},
    {"UID", NID_x500UniqueIdentifier},
    {"Email", NID_pkcs9_emailAddress},
};
constexpr std::string_view kExtractTags[] = {"C", "ST", "L", "O", "OU",  "CN",   "T",
                                             "I", "G",  "S", "D", "UID", "Email"};

// The `index`-th entry of `nid` in `name` as UTF-8, or "" (SSL_*_S_DN_CN, SSL_*_S_DN_CN_1).
std::string dn_component(const X509_NAME* name, std::string_view spec) {
  size_t index = 0;
  std::string_view tag = spec;
  if (size_t us = spec.rfind('_'); us != std::string_view::npos && us + 1 < spec.size()) {
    std::string_view num = spec.substr(us + 1);
    if (num.find_first_not_of("0123456789") == std::string_view::npos) {
      index = static_cast<size_t>(std::atoi(std::string(num).c_str()));
      tag = spec.substr(0, us);
    }
  }
  int nid = NID_undef;
  for (const DnTag& t : kDnTags) {
    if (t.tag == tag) nid = t.nid;
  }
  if (nid == NID_undef) return "";
  int pos = -1;
  for (size_t i = 0; i <= index; ++i) {
    pos = X509_NAME_get_index_by_NID(name, nid, pos);
    if (pos < 0) return "";
  }
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return "";
  std::string s(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return s;
}

std::string asn1_time_text(const ASN1_TIME* t) {
  BioPtr b(BIO_new(BIO_s_mem()), BIO_free);
  ASN1_TIME_print(b.get(), t);
  return bio_text(b.get());
}

// ssl_var_lookup_ssl_cert_remain: whole days until notAfter (0 when past).
std::string days_remaining(const ASN1_TIME* end) {
  int days = 0, secs = 0;
  if (!ASN1_TIME_diff(&days, &secs, nullptr, end)) return "";
  return std::to_string(days < 0 || (days == 0 && secs < 0) ? 0 : days);
}

// The `index`-th subjectAltName entry of `type` (GEN_DNS, GEN_EMAIL), or "" (mod_ssl's
// SSL_*_SAN_DNS_n, SSL_*_SAN_Email_n).
std::string san_entry(X509* cert, int type, std::string_view index_text) {
  if (index_text.empty() || index_text.find_first_not_of("0123456789") != std::string_view::npos)
    return "";
  int want = std::atoi(std::string(index_text).c_str());
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return "";
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type != type) continue;
    if (want-- == 0) {
      const ASN1_STRING* v = type == GEN_DNS ? g->d.dNSName : g->d.rfc822Name;
      out.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(v)),
                 static_cast<size_t>(ASN1_STRING_length(v)));
      break;
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string cert_pem(X509* cert) {
  BioPtr b(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(b.get(), cert);
  return bio_text(b.get());
}

// ssl_var_lookup_ssl_cert: `var` is the part after SSL_SERVER_ / SSL_CLIENT_.
std::string cert_var(X509* cert, std::string_view var) {
  if (var == "M_VERSION") return std::to_string(X509_get_version(cert) + 1);
  if (var == "M_SERIAL") {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    char* hex = bn ? BN_bn2hex(bn) : nullptr;
    std::string s = hex ? hex : "";
    OPENSSL_free(hex);
    BN_free(bn);
    return s;
  }
  if (var == "V_START") return asn1_time_text(X509_get0_notBefore(cert));
  if (var == "V_END") return asn1_time_text(X509_get0_notAfter(cert));
  if (var == "V_REMAIN") return days_remaining(X509_get0_notAfter(cert));
  if (var == "S_DN") return dn_text(X509_get_subject_name(cert));
  if (var == "I_DN") return dn_text(X509_get_issuer_name(cert));
  if (var.starts_with("S_DN_")) return dn_component(X509_get_subject_name(cert), var.substr(5));
  if (var.starts_with("I_DN_")) return dn_component(X509_get_issuer_name(cert), var.substr(5));
  if (var == "A_SIG") {
    const int nid = X509_get_signature_nid(cert);
    return nid == NID_undef ? "UNKNOWN" : OBJ_nid2ln(nid);
  }
  if (var == "A_KEY") {
    X509_PUBKEY* pk = X509_get_X509_PUBKEY(cert);
    ASN1_OBJECT* obj = nullptr;
    if (pk == nullptr || !X509_PUBKEY_get0_param(&obj, nullptr, nullptr, nullptr, pk))
      return "UNKNOWN";
    const int nid = OBJ_obj2nid(obj);
    return nid == NID_undef ? "UNKNOWN" : OBJ_nid2ln(nid);
  }
  if (var == "CERT") return cert_pem(cert);
  if (var.starts_with("SAN_DNS_")) return san_entry(cert, GEN_DNS, var.substr(8));
  if (var.starts_with("SAN_Email_")) return san_entry(cert, GEN_EMAIL, var.substr(10));
  return "";
}

std::string hex_upper(const unsigned char* p, unsigned n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s;
  s.reserve(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    s.push_back(kHex[p[i] >> 4]);
    s.push_back(kHex[p[i] & 15]);
  }
  return s;
}

// ssl_var_lookup_ssl_version: "OpenSSL 3.0.15 3 Sep 2024" → "OpenSSL/3.0.15".
std::string library_version() {
  std::string v = OpenSSL_version(OPENSSL_VERSION);
  if (size_t sp = v.find(' '); sp != std::string::npos) {
    v[sp] = '/';
    if (size_t sp2 = v.find(' ', sp + 1); sp2 != std::string::npos) v.resize(sp2);
  }
  return v;
}

std::string session_var(SSL* ssl, std::string_view name) {
  if (name == "SSL_PROTOCOL") return SSL_get_version(ssl);
  if (name == "SSL_SESSION_RESUMED") return SSL_session_reused(ssl) ? "Resumed" : "Initial";
  if (name == "SSL_SECURE_RENEG")
    return SSL_get_secure_renegotiation_support(ssl) ? "true" : "false";
  if (name == "SSL_COMPRESS_METHOD") return "NULL";
  if (name == "SSL_TLS_SNI") {
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    return sni ? sni : "";
  }
  if (name == "SSL_SESSION_ID") {
    const SSL_SESSION* s = SSL_get_session(ssl);
    unsigned n = 0;
    const unsigned char* id = s ? SSL_SESSION_get_id(s, &n) : nullptr;
    return id ? hex_upper(id, n) : "";
  }
  if (name.starts_with("SSL_CIPHER")) {
    const SSL_CIPHER* c = SSL_get_current_cipher(ssl);
    if (c == nullptr) return "";
    int alg = 0;
    const int use = SSL_CIPHER_get_bits(c, &alg);
    if (name == "SSL_CIPHER") return SSL_CIPHER_get_name(c);
    if (name == "SSL_CIPHER_EXPORT") return use < 56 ? "true" : "false";
    if (name == "SSL_CIPHER_USEKEYSIZE") return std::to_string(use);
    if (name == "SSL_CIPHER_ALGKEYSIZE") return std::to_string(alg);
    return "";
  }
  if (name == "SSL_VERSION_LIBRARY") return library_version();
#ifdef TERN_VERSION
  if (name == "SSL_VERSION_INTERFACE") return "tern/" TERN_VERSION;
#endif
  if (name == "SSL_CLIENT_VERIFY") return client_cert_facts(ssl).verify;
  if (name.starts_with("SSL_SERVER_")) {
    X509* cert = SSL_get_certificate(ssl);
    return cert ? cert_var(cert, name.substr(11)) : "";
  }
  if (name.starts_with("SSL_CLIENT_CERT_CHAIN_")) {
    // ssl_var_lookup_ssl_cert_chain: the n-th certificate the client sent after its own
    // (on a server, OpenSSL's peer chain leaves the client's certificate out).
    const std::string_view digits = name.substr(22);
    size_t n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        chain == nullptr || n >= static_cast<size_t>(sk_X509_num(chain)))
      return "";
    return cert_pem(sk_X509_value(chain, static_cast<int>(n)));
  }
  if (name.starts_with("SSL_CLIENT_")) {
    X509* cert = SSL_get0_peer_certificate(ssl);
    return cert ? cert_var(cert, name.substr(11)) : "";
  }
  return "";
}

constexpr std::string_view kFixupVars[] = {
    "SSL_VERSION_INTERFACE", "SSL_VERSION_LIBRARY", "SSL_PROTOCOL",         "SSL_SECURE_RENEG",
    "SSL_COMPRESS_METHOD",   "SSL_CIPHER",          "SSL_CIPHER_EXPORT",    "SSL_CIPHER_USEKEYSIZE",
    "SSL_CIPHER_ALGKEYSIZE", "SSL_CLIENT_VERIFY",   "SSL_CLIENT_M_VERSION", "SSL_CLIENT_M_SERIAL",
    "SSL_CLIENT_V_START",    "SSL_CLIENT_V_END",    "SSL_CLIENT_V_REMAIN",  "SSL_CLIENT_S_DN",
    "SSL_CLIENT_I_DN",       "SSL_CLIENT_A_KEY",    "SSL_CLIENT_A_SIG",     "SSL_SERVER_M_VERSION",
    "SSL_SERVER_M_SERIAL",   "SSL_SERVER_V_START",  "SSL_SERVER_V_END",     "SSL_SERVER_S_DN",
    "SSL_SERVER_I_DN",       "SSL_SERVER_A_KEY",    "SSL_SERVER_A_SIG",     "SSL_SESSION_ID",
    "SSL_SESSION_RESUMED",
};

}  // namespace

bool tls_variable(SSL* ssl, std::string_view name, std::string* out) {
  if (ssl == nullptr || !name.starts_with("SSL_")) return false;
  std::string v = session_var(ssl, name);
  if (v.empty()) return false;
  *out = std::move(v);
  return true;
}

std::span<const std::string_view> std_env_var_names() {
  return kFixupVars;
}

std::span<const std::string_view> dn_extract_tags() {
  return kExtractTags;
}

}  // namespace tern::ssl
