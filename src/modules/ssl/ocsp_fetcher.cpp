// The control process's OCSP fetcher: non-blocking HTTP POSTs to the responders.

#include "modules/ssl/ocsp_fetcher.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/http.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "log/error_log.h"

namespace tern::ssl {

namespace {
constexpr const char* kMod = "ssl";
}  // namespace

struct OcspFetcher::Job {
  std::shared_ptr<const StaplingTarget> t;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;  // 0: the responder's name did not resolve
  enum class State { kIdle, kConnecting, kExchanging } state = State::kIdle;
  int64_t next_ms = 0;      // kIdle: when to query next
  int64_t deadline_ms = 0;  // otherwise: SSLStaplingResponderTimeout
  UniqueFd fd;
  BIO* bio = nullptr;
  OSSL_HTTP_REQ_CTX* rctx = nullptr;
};

OcspFetcher::OcspFetcher() = default;

OcspFetcher::~OcspFetcher() {
  for (auto& j : jobs_) abort(*j);
}

void OcspFetcher::set_targets(std::vector<std::shared_ptr<const StaplingTarget>> targets,
                              std::shared_ptr<SessionCache> store) {
  for (auto& j : jobs_) abort(*j);
  jobs_.clear();
  store_ = std::move(store);
  if (!store_) return;
  for (auto& t : targets) {
    const bool dup = std::any_of(jobs_.begin(), jobs_.end(), [&](const std::unique_ptr<Job>& j) {
      return j->t->key == t->key;  // the same certificate in several servers: one query
    });
    if (dup) continue;
    auto j = std::make_unique<Job>();
    j->t = std::move(t);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc =
        ::getaddrinfo(j->t->responder.host.c_str(), j->t->responder.port.c_str(), &hints, &res);
    if (rc == 0 && res != nullptr) {
      std::memcpy(&j->addr, res->ai_addr, res->ai_addrlen);
      j->addr_len = res->ai_addrlen;
    } else {
      ErrorLog::printf(LogLevel::kError, kMod,
                       "stapling_renew_response: cannot resolve the OCSP responder %s (%s)",
                       j->t->url.c_str(), ::gai_strerror(rc));
    }
    if (res != nullptr) ::freeaddrinfo(res);
    jobs_.push_back(std::move(j));
  }
}

void OcspFetcher::close_sockets_in_child() {
  for (auto& j : jobs_) j->fd.reset();  // the OpenSSL objects stay unused until _exit
}

bool OcspFetcher::busy() const {
  return std::any_of(jobs_.begin(), jobs_.end(),
                     [](const std::unique_ptr<Job>& j) { return j->state != Job::State::kIdle; });
}

void OcspFetcher::service(int64_t now_ms) {
  for (auto& j : jobs_) {
    if (j->state == Job::State::kIdle && now_ms >= j->next_ms) start(*j, now_ms);
    if (j->state != Job::State::kIdle) advance(*j, now_ms);
  }
}

void OcspFetcher::abort(Job& j) {
  OSSL_HTTP_REQ_CTX_free(j.rctx);  // frees neither BIO
  j.rctx = nullptr;
  BIO_free(j.bio);
  j.bio = nullptr;
  j.fd.reset();
  j.state = Job::State::kIdle;
}

void OcspFetcher::start(Job& j, int64_t now_ms) {
  if (j.addr_len == 0) {
    finish(j, nullptr, "cannot resolve " + j.t->responder.host, now_ms);
    return;
  }
  j.fd =
      UniqueFd(::socket(j.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!j.fd) {
    finish(j, nullptr, std::string("socket: ") + std::strerror(errno), now_ms);
    return;
  }
  if (::connect(j.fd.get(), reinterpret_cast<const sockaddr*>(&j.addr), j.addr_len) != 0 &&
      errno != EINPROGRESS) {
    finish(j, nullptr, std::string("connect: ") + std::strerror(errno), now_ms);
    return;
  }
  j.state = Job::State::kConnecting;
  j.deadline_ms = now_ms + std::max<long>(1, j.t->responder_timeout) * 1000;
}

void OcspFetcher::advance(Job& j, int64_t now_ms) {
  if (j.state == Job::State::kConnecting) {
    pollfd p{j.fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, 0) <= 0) {
      if (now_ms >= j.deadline_ms) finish(j, nullptr, "timed out connecting", now_ms);
      return;
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(j.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      finish(j, nullptr, std::string("connect: ") + std::strerror(err), now_ms);
      return;
    }
    const ResponderUrl& u = j.t->responder;
    const std::string host = u.port == "80" ? u.host : u.host + ":" + u.port;
    OCSP_REQUEST* req = make_request(*j.t);
    j.bio = BIO_new_socket(j.fd.get(), BIO_NOCLOSE);
    j.rctx = j.bio != nullptr ? OSSL_HTTP_REQ_CTX_new(j.bio, j.bio, 0) : nullptr;
    const bool ok =
        req != nullptr && j.rctx != nullptr &&
        OSSL_HTTP_REQ_CTX_set_request_line(j.rctx, 1, nullptr, nullptr, u.path.c_str()) == 1 &&
        OSSL_HTTP_REQ_CTX_add1_header(j.rctx, "Host", host.c_str()) == 1 &&
        OSSL_HTTP_REQ_CTX_set_expected(j.rctx, nullptr, 1, 0, 0) == 1 &&
        OSSL_HTTP_REQ_CTX_set1_req(j.rctx, "application/ocsp-request", ASN1_ITEM_rptr(OCSP_REQUEST),
                                   reinterpret_cast<const ASN1_VALUE*>(req)) == 1;
    OCSP_REQUEST_free(req);
    if (!ok) {
      ERR_clear_error();
      finish(j, nullptr, "cannot make the OCSP request", now_ms);
      return;
    }
    j.state = Job::State::kExchanging;
  }
  ASN1_VALUE* v = nullptr;
  const int r = OSSL_HTTP_REQ_CTX_nbio_d2i(j.rctx, &v, ASN1_ITEM_rptr(OCSP_RESPONSE));
  if (r == 1) {
    auto* resp = reinterpret_cast<OCSP_RESPONSE*>(v);
    finish(j, resp, "", now_ms);
    OCSP_RESPONSE_free(resp);
  } else if (r == 0) {
    char buf[256];
    ERR_error_string_n(ERR_peek_last_error(), buf, sizeof buf);
    ERR_clear_error();
    finish(j, nullptr, buf, now_ms);
  } else if (now_ms >= j.deadline_ms) {
    finish(j, nullptr, "timed out", now_ms);
  }
}

void OcspFetcher::finish(Job& j, OCSP_RESPONSE* resp, const std::string& failure, int64_t now_ms) {
  abort(j);
  const StaplingTarget& t = *j.t;
  const int64_t now = store_->now();
  const int64_t retry_ms = std::max<long>(1, t.error_timeout) * 1000;
  if (resp == nullptr) {
    ErrorLog::printf(LogLevel::kError, kMod,
                     "stapling_renew_response: responder error: %s (%s for %s); next query in "
                     "%ld s",
                     failure.c_str(), t.url.c_str(), t.name.c_str(), retry_ms / 1000);
    j.next_ms = now_ms + retry_ms;
    return;
  }
  const CheckedResponse c = check_response(t, resp, now);
  unsigned char* der = nullptr;
  const int n = i2d_OCSP_RESPONSE(resp, &der);
  std::vector<uint8_t> entry(1 + static_cast<size_t>(std::max(n, 0)));
  entry[0] = c.good ? kStapleGood : kStapleError;
  if (n > 0) std::memcpy(entry.data() + 1, der, static_cast<size_t>(n));
  OPENSSL_free(der);
  if (c.good) {
    const int64_t life = std::max<int64_t>(1, c.expires - now);
    store_->store(t.key, entry, c.expires, now);
    if (c.cert_status != "good")
      ErrorLog::printf(LogLevel::kError, kMod,
                       "stapling_check_response: response has certificate status %s for %s",
                       c.cert_status.c_str(), t.name.c_str());
    ErrorLog::printf(LogLevel::kInfo, kMod, "OCSP response for %s from %s: %s, stapled for %lld s",
                     t.name.c_str(), t.url.c_str(), c.cert_status.c_str(),
                     static_cast<long long>(life));
    // Refreshed before it expires: at nine tenths of its life.
    j.next_ms = now_ms + std::max<int64_t>(1, life - life / 10) * 1000;
    return;
  }
  ErrorLog::printf(LogLevel::kError, kMod,
                   "stapling_renew_response: error in retrieved response: %s (%s for %s)",
                   c.problem.c_str(), t.url.c_str(), t.name.c_str());
  // An error answer never replaces a good one that is still valid.
  std::optional<std::vector<uint8_t>> old = store_->retrieve(t.key, now);
  if (n > 0 && (!old || old->empty() || (*old)[0] != kStapleGood))
    store_->store(t.key, entry, now + t.error_timeout, now);
  j.next_ms = now_ms + retry_ms;
}

}  // namespace tern::ssl
