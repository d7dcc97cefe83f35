#pragma once
// The TLS session state that outlives configuration generations: SSLSessionCache's shared
// store and the rotating ticket keys (modules/ssl/session_cache.h, ticket_keys.h). The
// control process keeps one and prepares it before each generation's contexts are built
// (and before that generation's children fork), so every child of every generation shares
// them and a client resumes across children and across graceful restarts. The cache is
// remade only when SSLSessionCache's size changes, the keys only when the rotation period
// (SSLSessionCacheTimeout) changes. Contexts of an old generation keep what they use alive.

#include <memory>
#include <string>

#include "config/config.h"
#include "handlers/status_model.h"
#include "modules/ssl/session_cache.h"
#include "modules/ssl/ticket_keys.h"

namespace tern {

// The shared session cache and ticket keys of the running server.
class TlsSessions {
 public:
  // Makes or keeps the cache and keys `config` asks for (the main server's SSLSessionCache,
  // SSLSessionCacheTimeout and SSLStaplingCache; keys whenever any server has an SSL directive).
  // False with *err set ("FILE:LINE: SSLSessionCache: message") when shared memory cannot be
  // mapped.
  bool prepare(const Config& config, std::string* err);
  // The shmcb store, or null (SSLSessionCache none / nonenotnull / absent).
  const std::shared_ptr<ssl::SessionCache>& cache() const { return cache_; }
  // The ticket keys, or null (no TLS configured).
  const std::shared_ptr<ssl::TicketKeys>& keys() const { return keys_; }
  // SSLStaplingCache's store (OCSP responses), or null (none configured).
  const std::shared_ptr<ssl::SessionCache>& stapling_cache() const { return stapling_; }

 private:
  std::shared_ptr<ssl::SessionCache> cache_;
  std::shared_ptr<ssl::TicketKeys> keys_;
  int64_t keys_period_ = 0;
  std::shared_ptr<ssl::SessionCache> stapling_;
};

// SSLSessionCache's figures for server-status (mod_ssl's status hook) at `now`, seconds
// since the epoch.
TlsCacheStatus tls_cache_status(ssl::SessionCache& cache, int64_t now);

}  // namespace tern
