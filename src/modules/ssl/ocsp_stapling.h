#pragma once
// OCSP stapling, the handshake side and what the fetcher needs (SSLUseStapling): for each
// certificate of a context, its issuer (from the configured chain or the context's store),
// the OCSP CertID and the responder URL (the certificate's AIA or SSLStaplingForceURL).
// Responses live in the shared SSLStaplingCache store (a SessionCache keyed by the SHA-1 of
// the CertID, as mod_ssl): one flag byte (1: a valid response, 0: a responder error kept
// for SSLStaplingErrorCacheTimeout) then the DER response. The control process fills the
// store (ocsp_fetcher.h); a handshake only reads it and never waits for a responder.

#include <openssl/ocsp.h>
#include <openssl/ssl.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "modules/ssl/session_cache.h"
#include "modules/ssl/ssl_config.h"
#include "modules/ssl/stapling_config.h"

namespace tern::ssl {

// The store key of one certificate: SHA-1 of its DER CertID.
using StaplingKey = std::array<uint8_t, 20>;

// The flag byte in front of a stored response.
inline constexpr uint8_t kStapleGood = 1;  // verified, within its validity: staple it
inline constexpr uint8_t kStapleError =
    0;  // a responder error (stapled with ReturnResponderErrors)

// One certificate whose status is fetched. Immutable; holds its own references.
struct StaplingTarget {
  StaplingTarget() = default;
  ~StaplingTarget();
  StaplingTarget(const StaplingTarget&) = delete;
  StaplingTarget& operator=(const StaplingTarget&) = delete;

  X509* cert = nullptr;
  X509* issuer = nullptr;
  STACK_OF(X509) * chain = nullptr;  // the configured chain (untrusted, for the signer)
  OCSP_CERTID* cid = nullptr;
  StaplingKey key{};
  std::string url;  // the responder
  ResponderUrl responder;
  std::string name;  // for log lines: the certificate's file
  // The server's SSLStapling* values (mod_ssl's defaults when absent).
  long responder_timeout = kDefaultStaplingResponderTimeout;
  long standard_timeout = kDefaultStaplingStandardCacheTimeout;
  long error_timeout = kDefaultStaplingErrorCacheTimeout;
  long time_skew = kDefaultStaplingResponseTimeSkew;
  long max_age = kDefaultStaplingResponseMaxAge;
  bool return_errors = true;
};

// What a context's status callback reads: the store and, per certificate, its key.
struct StaplingContext {
  SessionCache* store = nullptr;
  struct Entry {
    X509* cert;  // owned by the SSL_CTX
    StaplingKey key;
    bool return_errors;
  };
  std::vector<Entry> certs;
};

// Prepares stapling for every certificate of `ctx` (the server `cfg` with SSLUseStapling
// on): targets for the fetcher go to *targets, and the status callback is installed with
// the returned context (which must outlive ctx). A certificate without an issuer or
// responder URL is skipped with a warning in *warnings (mod_ssl's AH02217 / AH02218 text).
std::unique_ptr<StaplingContext> enable_stapling(
    SSL_CTX* ctx, const SslConfig& cfg, SessionCache* store,
    std::vector<std::shared_ptr<const StaplingTarget>>* targets,
    std::vector<std::string>* warnings);

// The outcome of checking a responder's answer for `t`.
struct CheckedResponse {
  bool good = false;        // staple as valid (status good or revoked, times valid)
  int64_t expires = 0;      // good: when to stop stapling it (seconds since the epoch)
  std::string problem;      // !good: why (for the error log)
  std::string cert_status;  // "good", "revoked" or "unknown" when found
};

// Checks `resp` as mod_ssl's stapling_check_response, plus the signature
// (OCSP_basic_verify against the issuer and chain): successful status, the CertID present,
// thisUpdate/nextUpdate within SSLStaplingResponseTimeSkew and SSLStaplingResponseMaxAge.
// A good answer expires at the earlier of now + SSLStaplingStandardCacheTimeout and
// nextUpdate.
CheckedResponse check_response(const StaplingTarget& t, OCSP_RESPONSE* resp, int64_t now);

// A new OCSP request for `t` (its CertID with a nonce-free request, as mod_ssl's).
OCSP_REQUEST* make_request(const StaplingTarget& t);

}  // namespace tern::ssl
