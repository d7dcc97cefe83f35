#pragma once
// The OCSP fetcher of the control process: it queries each stapling target's responder
// (HTTP POST, non-blocking sockets driven by service() from the control process's loop, so
// neither a handshake nor the control process ever waits on a responder, and no thread runs
// beside fork()), checks the answer (ocsp_stapling.h) and stores it in the shared store the
// children staple from. A good answer is refreshed before it expires (nextUpdate or
// SSLStaplingStandardCacheTimeout); a failure is retried after SSLStaplingErrorCacheTimeout
// and never replaces a still-valid good answer.

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "modules/ssl/ocsp_stapling.h"
#include "modules/ssl/session_cache.h"
#include "net/unique_fd.h"

namespace tern::ssl {

// Fetches and refreshes OCSP responses for the current generation's targets.
class OcspFetcher {
 public:
  OcspFetcher();
  ~OcspFetcher();
  OcspFetcher(const OcspFetcher&) = delete;
  OcspFetcher& operator=(const OcspFetcher&) = delete;

  // Replaces the targets (a new generation) and resolves their responders' names (the only
  // blocking step, done at start-up and restarts as Listen's names are); each target is
  // fetched at the next service(). `store` must outlive the fetcher's use of it.
  void set_targets(std::vector<std::shared_ptr<const StaplingTarget>> targets,
                   std::shared_ptr<SessionCache> store);
  // Advances every request without blocking; `now_ms` is a monotonic clock. Call it often
  // (the control process does every tick).
  void service(int64_t now_ms);
  // In a child just forked: closes the copies of in-flight queries' sockets (the child
  // never uses them; they would keep the responder's connection open).
  void close_sockets_in_child();
  // True while a request is in flight (tests and the loop's tick choice).
  bool busy() const;

 private:
  struct Job;
  void start(Job& j, int64_t now_ms);
  void advance(Job& j, int64_t now_ms);
  void finish(Job& j, OCSP_RESPONSE* resp, const std::string& failure, int64_t now_ms);
  void abort(Job& j);

  std::vector<std::unique_ptr<Job>> jobs_;
  std::shared_ptr<SessionCache> store_;
};

}  // namespace tern::ssl
