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

namespace {

// Keeps `store` when it already has SSL{Session,Stapling}Cache's size (its entries stay
// valid across the generation), makes it when `wanted` and absent or resized, drops it when
// not wanted. False with *err ("FILE:LINE: DIRECTIVE: message") when the memory cannot be
// mapped.
bool keep_or_make(std::shared_ptr<ssl::SessionCache>& store, bool wanted,
                  const SslSetting<ssl::SessionCacheConfig>& setting, const char* directive,
                  std::string* err) {
  if (!wanted) {
    store.reset();
    return true;
  }
  const size_t size = setting.value.size;
  if (store && store->bytes() == size) return true;
  std::string e;
  std::unique_ptr<ssl::SessionCache> c = ssl::SessionCache::create(size, &e);
  if (!c) {
    *err = setting.file + ":" + std::to_string(setting.line) + ": " + directive + ": " + e;
    return false;
  }
  store = std::move(c);
  return true;
}

}  // namespace

bool TlsSessions::prepare(const Config& config, std::string* err) {
  if (!any_ssl(config)) return true;  // kept: a later generation with TLS may resume them
  const SslConfig* top = ssl_config(config);
  static const SslSetting<ssl::SessionCacheConfig> kAbsent;
  const auto& session = top ? top->session_cache : kAbsent;
  const auto& stapling = top ? top->stapling_cache : kAbsent;
  if (!keep_or_make(cache_, session.value.kind == ssl::SessionCacheConfig::Kind::kShmcb, session,
                    "SSLSessionCache", err) ||
      !keep_or_make(stapling_, stapling.set, stapling, "SSLStaplingCache", err))
    return false;
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
