#pragma once
// SSLSessionCache / SSLSessionCacheTimeout (mod_ssl with mod_socache_shmcb): TLS sessions
// shared by every child. The control process maps the cache (MAP_SHARED|MAP_ANONYMOUS)
// before forking; `shmcb:path(size)`'s path is only a name (no file is made). The mapping is
// exactly `size` bytes (default 512000, as shmcb's): a header, an index and a cyclic data
// area of DER-encoded sessions (i2d_SSL_SESSION) keyed by session id. Entries expire after
// SSLSessionCacheTimeout (default 300 s); when full, the oldest entries are evicted. One
// robust process-shared mutex guards it: a child dying inside it costs the cache its
// contents (reset by the next locker), never its consistency.

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "modules/ssl/shared_lock.h"

namespace tern::ssl {

// shmcb's default and minimum sizes, and mod_ssl's default timeout.
inline constexpr size_t kDefaultSessionCacheSize = 512000;
inline constexpr size_t kMinSessionCacheSize = 8192;
inline constexpr long kDefaultSessionCacheTimeout = 300;

// A parsed SSLSessionCache.
struct SessionCacheConfig {
  enum class Kind { kNone, kNoneNotNull, kShmcb };
  Kind kind = Kind::kNone;  // mod_ssl's default: no cache
  std::string name;         // shmcb's path: only a name here
  size_t size = kDefaultSessionCacheSize;
  bool operator==(const SessionCacheConfig&) const = default;
};

// SSLSessionCache none|nonenotnull|shmcb[:path[(size)]] (shm is not accepted, as 2.4);
// returns "" or mod_ssl's / shmcb's error prefixed "SSLSessionCache: ".
std::string parse_ssl_session_cache(const std::string& arg, SessionCacheConfig* out);

// SSLSessionCacheTimeout seconds (atoi, >= 0); returns "" or
// "SSLSessionCacheTimeout: Invalid argument".
std::string parse_ssl_session_cache_timeout(const std::string& arg, long* seconds);

// Counters for server-status.
struct SessionCacheStats {
  uint64_t stores = 0, hits = 0, misses = 0, removes = 0, evictions = 0, expired = 0;
  uint64_t replaces = 0;       // stores under an id already present
  uint64_t remove_misses = 0;  // removes of an id not present
  uint64_t resets = 0;         // times a dead lock owner forced a reset
  uint32_t entries = 0;
  uint32_t index_used = 0;  // index slots in use (removed entries hold theirs until evicted)
  uint32_t index_slots = 0;
  uint32_t data_used = 0;      // bytes of the data area in use
  uint32_t data_bytes = 0;     // capacity of the data area
  int64_t oldest_expires = 0;  // expiry (seconds since the epoch) of the oldest entry; 0: none
};

// The shared session store. Create it in the control process before fork(); every method
// may be called from any thread of any child.
class SessionCache {
 public:
  // Maps a cache of exactly `bytes` bytes (>= kMinSessionCacheSize); null + *error on failure.
  static std::unique_ptr<SessionCache> create(size_t bytes, std::string* error);

  // Stores der under id, valid until `expires` (seconds since the epoch), evicting expired
  // then oldest entries to make room; false when it can never fit.
  bool store(std::span<const uint8_t> id, std::span<const uint8_t> der, int64_t expires,
             int64_t now);
  // The DER stored under id if present and not expired at `now`.
  std::optional<std::vector<uint8_t>> retrieve(std::span<const uint8_t> id, int64_t now);
  // Forgets id.
  void remove(std::span<const uint8_t> id);
  // A snapshot of the counters.
  SessionCacheStats stats();
  // The size of the shared mapping (SSLSessionCache's size) in bytes.
  size_t bytes() const { return shm_->size(); }

  // The cache's lock (tests use it to die while holding it).
  pthread_mutex_t* mutex_for_test();

  // The clock the OpenSSL callbacks use (seconds since the epoch); tests inject one.
  using Clock = int64_t (*)();
  void set_clock(Clock clock) { clock_ = clock; }
  int64_t now() const { return clock_(); }

 private:
  struct Header;
  struct IndexEntry;
  explicit SessionCache(std::unique_ptr<SharedMemory> shm);
  void reset_locked();
  void pop_head_locked();
  IndexEntry* find_locked(std::span<const uint8_t> id, uint32_t hash);
  void write_ring(uint32_t pos, const uint8_t* src, uint32_t n);
  void read_ring(uint32_t pos, uint8_t* dst, uint32_t n) const;
  bool ring_equals(uint32_t pos, std::span<const uint8_t> bytes) const;

  std::unique_ptr<SharedMemory> shm_;
  Header* hdr_;
  IndexEntry* index_;
  uint8_t* data_;
  Clock clock_;
};

// Applies SSLSessionCache and SSLSessionCacheTimeout to ctx as mod_ssl's
// ssl_init_ctx_session_cache: kNone → SSL_SESS_CACHE_OFF; kNoneNotNull → SERVER|NO_INTERNAL
// without a store; kShmcb → SERVER|NO_INTERNAL with new/get/remove callbacks on `cache`
// (required then; it must outlive ctx). Sessions get `timeout` seconds. Install it on every
// SSL_CTX a connection may switch to by SNI; they must share one session id context to
// resume each other's sessions.
void apply_session_cache(SSL_CTX* ctx, const SessionCacheConfig& config, SessionCache* cache,
                         long timeout);

}  // namespace tern::ssl
