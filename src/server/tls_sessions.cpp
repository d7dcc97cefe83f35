#include "server/tls_sessions.h"

#include "modules/ssl/ssl_config.h"

namespace tern {

namespace {

// True when the main server or a <VirtualHost> has an SSL directive.
bool any_ssl(const Config& config) {
  if (ssl_config(config) != nullptr) return true;
  for (const VirtualHostSpec& v : config.virtual_hosts) {
    if (v.config && ssl_config(*v.config) != nullptr) return true;
  }
  return false;
}

}  // namespace

bool TlsSessions::prepare_stapling(const SslConfig* top, std::string* err) {
  if (top == nullptr || !top->stapling_cache.set) {
    stapling_.reset();
    stapling_size_ = 0;
    return true;
  }
  const size_t size = top->stapling_cache.value.size;
  if (stapling_ && stapling_size_ == size) return true;  // kept: its responses stay valid
  std::string e;
  std::unique_ptr<ssl::SessionCache> c = ssl::SessionCache::create(size, &e);
  if (!c) {
    *err = top->stapling_cache.file + ":" + std::to_string(top->stapling_cache.line) +
           ": SSLStaplingCache: " + e;
    return false;
  }
  stapling_ = std::move(c);
  stapling_size_ = size;
  return true;
}

bool TlsSessions::prepare(const Config& config, std::string* err) {
  if (!any_ssl(config)) return true;  // kept: a later generation with TLS may resume them
  const SslConfig* top = ssl_config(config);
  const ssl::SessionCacheConfig cc = top ? top->session_cache.value : ssl::SessionCacheConfig{};
  if (cc.kind != ssl::SessionCacheConfig::Kind::kShmcb) {
    cache_.reset();
    cache_size_ = 0;
  } else if (!cache_ || cache_size_ != cc.size) {
    std::string e;
    std::unique_ptr<ssl::SessionCache> c = ssl::SessionCache::create(cc.size, &e);
    if (!c) {
      *err = top->session_cache.file + ":" + std::to_string(top->session_cache.line) +
             ": SSLSessionCache: " + e;
      return false;
    }
    cache_ = std::move(c);
    cache_size_ = cc.size;
  }
  if (!prepare_stapling(top, err)) return false;
  const int64_t period =
      ssl::ticket_rotation_period(top ? top->cache_timeout() : ssl::kDefaultSessionCacheTimeout);
  if (!keys_ || keys_period_ != period) {
    std::string e;
    std::unique_ptr<ssl::TicketKeys> k = ssl::TicketKeys::create(period, &e);
    if (!k) {
      *err = "SSLSessionTickets: cannot make the shared ticket keys: " + e;
      return false;
    }
    keys_ = std::move(k);
    keys_period_ = period;
  }
  return true;
}

TlsCacheStatus tls_cache_status(ssl::SessionCache& cache, int64_t now) {
  const ssl::SessionCacheStats st = cache.stats();
  TlsCacheStatus c;
  c.shared_memory = cache.bytes();
  c.entries = st.entries;
  c.index_used = st.index_used;
  c.index_slots = st.index_slots;
  c.data_used = st.data_used;
  c.data_bytes = st.data_bytes;
  c.has_oldest = st.oldest_expires != 0;
  c.oldest_left_s = c.has_oldest ? st.oldest_expires - now : 0;
  c.stores = st.stores;
  c.replaces = st.replaces;
  c.expired = st.expired;
  c.discarded = st.evictions;
  c.retrieve_hits = st.hits;
  c.retrieve_misses = st.misses;
  c.remove_hits = st.removes;
  c.remove_misses = st.remove_misses;
  return c;
}

}  // namespace tern
