// OCSP stapling: the targets of a context, the status callback and the response check.

#include "modules/ssl/ocsp_stapling.h"

#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>

namespace tern::ssl {

StaplingTarget::~StaplingTarget() {
  X509_free(cert);
  X509_free(issuer);
  sk_X509_pop_free(chain, X509_free);
  OCSP_CERTID_free(cid);
}

namespace {

// The configured chain of the context's current certificate (its own chain, else the
// context's extra chain certificates), as a new stack holding references.
STACK_OF(X509) * chain_of(SSL_CTX* ctx) {
  STACK_OF(X509)* own = nullptr;
  SSL_CTX_get0_chain_certs(ctx, &own);
  if (own == nullptr || sk_X509_num(own) == 0) SSL_CTX_get_extra_chain_certs(ctx, &own);
  STACK_OF(X509)* out = sk_X509_new_null();
  for (int i = 0; own != nullptr && i < sk_X509_num(own); ++i) {
    X509* x = sk_X509_value(own, i);
    X509_up_ref(x);
    sk_X509_push(out, x);
  }
  return out;
}

// mod_ssl's stapling_get_issuer: the chain first, then the context's trust store.
X509* find_issuer(SSL_CTX* ctx, X509* x, STACK_OF(X509) * chain) {
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* c = sk_X509_value(chain, i);
    if (X509_check_issued(c, x) == X509_V_OK) {
      X509_up_ref(c);
      return c;
    }
  }
  X509_STORE* st = SSL_CTX_get_cert_store(ctx);
  if (st == nullptr) return nullptr;
  X509_STORE_CTX* sctx = X509_STORE_CTX_new();
  X509* issuer = nullptr;
  if (sctx != nullptr && X509_STORE_CTX_init(sctx, st, nullptr, nullptr) == 1 &&
      X509_STORE_CTX_get1_issuer(&issuer, sctx, x) <= 0)
    issuer = nullptr;
  X509_STORE_CTX_free(sctx);
  ERR_clear_error();
  return issuer;
}

std::string subject_of(X509* x) {
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(x), buf, sizeof buf);
  return buf;
}

// The responder URL: SSLStaplingForceURL, else the first OCSP URI of the AIA.
std::string responder_of(const SslConfig& cfg, X509* x) {
  if (cfg.stapling_force_url.set) return cfg.stapling_force_url.value;
  STACK_OF(OPENSSL_STRING)* aia = X509_get1_ocsp(x);
  std::string url;
  if (aia != nullptr && sk_OPENSSL_STRING_num(aia) > 0) url = sk_OPENSSL_STRING_value(aia, 0);
  X509_email_free(aia);
  return url;
}

// The target of the context's current certificate, or null with *warning set.
std::shared_ptr<StaplingTarget> target_of(SSL_CTX* ctx, const SslConfig& cfg,
                                          std::string* warning) {
  X509* x = SSL_CTX_get0_certificate(ctx);
  if (x == nullptr) return nullptr;
  auto t = std::make_shared<StaplingTarget>();
  X509_up_ref(x);
  t->cert = x;
  t->name = subject_of(x);
  t->chain = chain_of(ctx);
  t->issuer = find_issuer(ctx, x, t->chain);
  if (t->issuer == nullptr) {
    *warning = "ssl_stapling_init_cert: can't retrieve issuer certificate! (" + t->name +
               "): OCSP stapling is off for it";
    return nullptr;
  }
  t->cid = OCSP_cert_to_id(nullptr, x, t->issuer);
  if (t->cid == nullptr) {
    *warning = "ssl_stapling_init_cert: can't create CertID for OCSP request (" + t->name + ")";
    return nullptr;
  }
  t->url = responder_of(cfg, x);
  if (t->url.empty()) {
    *warning =
        "ssl_stapling_init_cert: no OCSP URI in certificate and no SSLStaplingForceURL "
        "set (" +
        t->name + "): OCSP stapling is off for it";
    return nullptr;
  }
  if (!parse_responder_url(t->url, &t->responder)) {
    *warning = "stapling_renew_response: Unsupported uri " + t->url + " (" + t->name +
               "): OCSP stapling is off for it";
    return nullptr;
  }
  unsigned char* der = nullptr;
  const int n = i2d_OCSP_CERTID(t->cid, &der);
  if (n <= 0) {
    *warning = "ssl_stapling_init_cert: can't encode the CertID (" + t->name +
               "): OCSP stapling is off for it";
    return nullptr;
  }
  SHA1(der, static_cast<size_t>(n), t->key.data());
  OPENSSL_free(der);
  t->responder_timeout =
      SslConfig::value_or(cfg.stapling_responder_timeout, kDefaultStaplingResponderTimeout);
  t->standard_timeout =
      SslConfig::value_or(cfg.stapling_standard_timeout, kDefaultStaplingStandardCacheTimeout);
  t->error_timeout =
      SslConfig::value_or(cfg.stapling_error_timeout, kDefaultStaplingErrorCacheTimeout);
  t->time_skew = SslConfig::value_or(cfg.stapling_time_skew, kDefaultStaplingResponseTimeSkew);
  t->max_age = SslConfig::value_or(cfg.stapling_max_age, kDefaultStaplingResponseMaxAge);
  t->return_errors = SslConfig::value_or(cfg.stapling_return_errors, true);
  return t;
}

// The status callback (status_request from the client): the stored response of the
// certificate in use, if any; never waits.
int staple(SSL* ssl, void* arg) {
  const auto* sc = static_cast<const StaplingContext*>(arg);
  X509* x = SSL_get_certificate(ssl);
  for (const StaplingContext::Entry& e : sc->certs) {
    if (e.cert != x) continue;
    std::optional<std::vector<uint8_t>> v = sc->store->retrieve(e.key, sc->store->now());
    if (!v || v->size() < 2) return SSL_TLSEXT_ERR_NOACK;
    if ((*v)[0] != kStapleGood && !e.return_errors) return SSL_TLSEXT_ERR_NOACK;
    const size_t n = v->size() - 1;
    auto* p = static_cast<unsigned char*>(OPENSSL_malloc(n));
    if (p == nullptr) return SSL_TLSEXT_ERR_NOACK;
    std::memcpy(p, v->data() + 1, n);
    SSL_set_tlsext_status_ocsp_resp(ssl, p, static_cast<long>(n));  // takes p
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

int64_t time_of(const ASN1_GENERALIZEDTIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

std::unique_ptr<StaplingContext> enable_stapling(
    SSL_CTX* ctx, const SslConfig& cfg, SessionCache* store,
    std::vector<std::shared_ptr<const StaplingTarget>>* targets,
    std::vector<std::string>* warnings) {
  auto sc = std::make_unique<StaplingContext>();
  sc->store = store;
  for (int r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); r == 1;
       r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
    std::string warning;
    std::shared_ptr<StaplingTarget> t = target_of(ctx, cfg, &warning);
    if (!t) {
      if (!warning.empty()) warnings->push_back(warning);
      continue;
    }
    sc->certs.push_back({t->cert, t->key, t->return_errors});
    targets->push_back(std::move(t));
  }
  ERR_clear_error();
  SSL_CTX_set_tlsext_status_cb(ctx, staple);
  SSL_CTX_set_tlsext_status_arg(ctx, sc.get());
  return sc;
}

OCSP_REQUEST* make_request(const StaplingTarget& t) {
  OCSP_REQUEST* req = OCSP_REQUEST_new();
  OCSP_CERTID* id = OCSP_CERTID_dup(t.cid);
  if (req == nullptr || id == nullptr || OCSP_request_add0_id(req, id) == nullptr) {
    OCSP_CERTID_free(id);
    OCSP_REQUEST_free(req);
    return nullptr;
  }
  return req;
}

CheckedResponse check_response(const StaplingTarget& t, OCSP_RESPONSE* resp, int64_t now) {
  CheckedResponse out;
  const int status = OCSP_response_status(resp);
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    out.problem = std::string("responder error ") + OCSP_response_status_str(status);
    return out;
  }
  OCSP_BASICRESP* bs = OCSP_response_get1_basic(resp);
  if (bs == nullptr) {
    out.problem = "Error Parsing Response!";
    return out;
  }
  // The signer must be the issuer or a responder it delegated to (RFC 6960 4.2.2.2); the
  // issuer is the trust anchor even when it is an intermediate.
  X509_STORE* st = X509_STORE_new();
  X509_STORE_add_cert(st, t.issuer);
  X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN);
  const int verified = OCSP_basic_verify(bs, t.chain, st, 0);
  X509_STORE_free(st);
  int cert_status = 0, reason = 0;
  ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
  if (verified <= 0) {
    char buf[256];
    ERR_error_string_n(ERR_peek_last_error(), buf, sizeof buf);
    out.problem = std::string("response verification failed (") + buf + ")";
  } else if (OCSP_resp_find_status(bs, t.cid, &cert_status, &reason, &rev, &thisupd, &nextupd) !=
             1) {
    out.problem = "certificate ID not present in response!";
  } else if (OCSP_check_validity(thisupd, nextupd, t.time_skew, t.max_age) != 1) {
    out.problem = "response times invalid";
  } else {
    out.good = true;
    out.cert_status = OCSP_cert_status_str(cert_status);
    out.expires = now + t.standard_timeout;
    const int64_t next = time_of(nextupd);
    if (next > 0 && next < out.expires) out.expires = next;
    if (t.max_age >= 0) {
      const int64_t limit = time_of(thisupd) + t.max_age;
      if (limit < out.expires) out.expires = limit;
    }
  }
  ERR_clear_error();
  OCSP_BASICRESP_free(bs);
  return out;
}

}  // namespace tern::ssl
