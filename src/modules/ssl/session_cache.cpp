// SSLSessionCache shmcb: sessions in shared memory (index + cyclic data area), and the
// OpenSSL callbacks that store, fetch and drop them (mod_ssl's ssl_callback_*SessionCacheEntry).

#include "modules/ssl/session_cache.h"

#include <strings.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <string_view>

#include "util/fnv1a.h"

namespace tern::ssl {

struct SessionCache::Header {
  pthread_mutex_t mu;
  uint32_t index_cap;
  uint32_t data_size;
  uint32_t idx_first;
  uint32_t idx_count;
  uint32_t data_first;
  uint32_t data_used;
  SessionCacheStats counters;
};

struct SessionCache::IndexEntry {
  int64_t expires;
  uint32_t pos;  // data offset of the id, the DER follows it
  uint32_t id_len;
  uint32_t der_len;
  uint32_t hash;
  uint32_t removed;
};

namespace {

// mod_ssl's hints to shmcb: sessions average 150 bytes, ids 30.
constexpr size_t kAverageEntry = 180;

// A session id's index hash.
uint32_t id_hash(std::span<const uint8_t> bytes) {
  return tern::fnv1a<uint32_t>(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

int64_t wall_clock() {
  return static_cast<int64_t>(std::time(nullptr));
}

int ctx_index() {
  static const int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

SessionCache* cache_of(SSL_CTX* ctx) {
  return static_cast<SessionCache*>(SSL_CTX_get_ex_data(ctx, ctx_index()));
}

std::span<const uint8_t> id_of(const SSL_SESSION* session) {
  unsigned int len = 0;
  const unsigned char* id = SSL_SESSION_get_id(session, &len);
  return {id, len};
}

int new_session(SSL* ssl, SSL_SESSION* session) {
  // A TLS 1.3 stateless ticket carries the whole session: its dummy id is never looked up,
  // so storing it would only evict sessions that can be resumed.
  if (SSL_version(ssl) == TLS1_3_VERSION && !(SSL_get_options(ssl) & SSL_OP_NO_TICKET)) return 0;
  SessionCache* cache = cache_of(SSL_get_SSL_CTX(ssl));
  std::span<const uint8_t> id = id_of(session);
  int len = i2d_SSL_SESSION(session, nullptr);
  if (!cache || id.empty() || len <= 0) return 0;
  std::vector<uint8_t> der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_SSL_SESSION(session, &p);
  int64_t now = cache->now();
  cache->store(id, der, now + SSL_SESSION_get_timeout(session), now);
  return 0;  // OpenSSL keeps its reference
}

SSL_SESSION* get_session(SSL* ssl, const unsigned char* id, int len, int* copy) {
  *copy = 0;  // the returned reference is OpenSSL's
  SessionCache* cache = cache_of(SSL_get_SSL_CTX(ssl));
  if (!cache || len <= 0) return nullptr;
  auto der = cache->retrieve({id, static_cast<size_t>(len)}, cache->now());
  if (!der) return nullptr;
  const unsigned char* p = der->data();
  return d2i_SSL_SESSION(nullptr, &p, static_cast<long>(der->size()));
}

void remove_session(SSL_CTX* ctx, SSL_SESSION* session) {
  if (SessionCache* cache = cache_of(ctx)) cache->remove(id_of(session));
}

std::string parse_shmcb(const std::string& arg, SessionCacheConfig* out) {
  out->name = arg;
  out->size = kDefaultSessionCacheSize;
  if (arg.empty()) return "";
  size_t open = arg.rfind('(');
  if (open != std::string::npos) {
    if (arg.back() != ')') {
      return "Invalid argument: no closing parenthesis or cache size missing after pathname "
             "with parenthesis";
    }
    std::string digits = arg.substr(open + 1, arg.size() - open - 2);
    char* end = nullptr;
    long long size = std::strtoll(digits.c_str(), &end, 10);
    if (*end != '\0') return "Invalid argument: cache size not numerical";
    if (size < static_cast<long long>(kMinSessionCacheSize)) {
      return "Invalid argument: size has to be >= 8192 bytes";
    }
    if (size >= static_cast<long long>(UINT_MAX)) {
      return "Invalid argument: size has to be < " + std::to_string(UINT_MAX) +
             " bytes on this platform";
    }
    out->name = arg.substr(0, open);
    out->size = static_cast<size_t>(size);
  } else if (arg.back() == ')') {
    return "Invalid argument: no opening parenthesis";
  }
  return "";
}

}  // namespace

std::string parse_ssl_session_cache(const std::string& arg, SessionCacheConfig* out) {
  SessionCacheConfig c;
  if (::strcasecmp(arg.c_str(), "none") == 0) {
    c.kind = SessionCacheConfig::Kind::kNone;
  } else if (::strcasecmp(arg.c_str(), "nonenotnull") == 0) {
    c.kind = SessionCacheConfig::Kind::kNoneNotNull;
  } else {
    size_t colon = arg.find(':');
    std::string name = arg.substr(0, colon);
    if (name != "shmcb") {
      return "SSLSessionCache: '" + name +
             "' session cache not supported (known names: shmcb). Maybe you need to load the "
             "appropriate socache module (mod_socache_" +
             name + "?).";
    }
    c.kind = SessionCacheConfig::Kind::kShmcb;
    std::string err = parse_shmcb(colon == std::string::npos ? "" : arg.substr(colon + 1), &c);
    if (!err.empty()) return "SSLSessionCache: " + err;
  }
  *out = c;
  return "";
}

std::string parse_ssl_session_cache_timeout(const std::string& arg, long* seconds) {
  long v = std::atol(arg.c_str());
  if (v < 0) return "SSLSessionCacheTimeout: Invalid argument";
  *seconds = v;
  return "";
}

std::unique_ptr<SessionCache> SessionCache::create(size_t bytes, std::string* error) {
  if (bytes < kMinSessionCacheSize || bytes >= UINT_MAX) {
    *error = "session cache size out of range";
    return nullptr;
  }
  auto shm = SharedMemory::create(bytes, error);
  if (!shm) return nullptr;
  auto* hdr = new (shm->data()) Header();
  *error = init_robust_mutex(&hdr->mu);
  if (!error->empty()) return nullptr;
  size_t header = (sizeof(Header) + 63) & ~size_t{63};
  size_t avail = bytes - header;
  hdr->index_cap = static_cast<uint32_t>(avail / (sizeof(IndexEntry) + kAverageEntry));
  hdr->data_size = static_cast<uint32_t>(avail - hdr->index_cap * sizeof(IndexEntry));
  return std::unique_ptr<SessionCache>(new SessionCache(std::move(shm)));
}

SessionCache::SessionCache(std::unique_ptr<SharedMemory> shm)
    : shm_(std::move(shm)), clock_(wall_clock) {
  auto* base = static_cast<uint8_t*>(shm_->data());
  hdr_ = reinterpret_cast<Header*>(base);
  size_t header = (sizeof(Header) + 63) & ~size_t{63};
  index_ = reinterpret_cast<IndexEntry*>(base + header);
  data_ = base + header + hdr_->index_cap * sizeof(IndexEntry);
}

void SessionCache::reset_locked() {
  hdr_->idx_first = hdr_->idx_count = 0;
  hdr_->data_first = hdr_->data_used = 0;
  hdr_->counters.resets++;
}

void SessionCache::pop_head_locked() {
  const IndexEntry& e = index_[hdr_->idx_first];
  uint32_t len = e.id_len + e.der_len;
  hdr_->data_first = (hdr_->data_first + len) % hdr_->data_size;
  hdr_->data_used -= len;
  hdr_->idx_first = (hdr_->idx_first + 1) % hdr_->index_cap;
  hdr_->idx_count--;
}

void SessionCache::write_ring(uint32_t pos, const uint8_t* src, uint32_t n) {
  uint32_t first = std::min(n, hdr_->data_size - pos);
  std::memcpy(data_ + pos, src, first);
  std::memcpy(data_, src + first, n - first);
}

void SessionCache::read_ring(uint32_t pos, uint8_t* dst, uint32_t n) const {
  uint32_t first = std::min(n, hdr_->data_size - pos);
  std::memcpy(dst, data_ + pos, first);
  std::memcpy(dst + first, data_, n - first);
}

bool SessionCache::ring_equals(uint32_t pos, std::span<const uint8_t> bytes) const {
  uint32_t n = static_cast<uint32_t>(bytes.size());
  uint32_t first = std::min(n, hdr_->data_size - pos);
  return std::memcmp(data_ + pos, bytes.data(), first) == 0 &&
         std::memcmp(data_, bytes.data() + first, n - first) == 0;
}

SessionCache::IndexEntry* SessionCache::find_locked(std::span<const uint8_t> id, uint32_t hash) {
  for (uint32_t i = hdr_->idx_count; i-- > 0;) {
    IndexEntry& e = index_[(hdr_->idx_first + i) % hdr_->index_cap];
    if (!e.removed && e.hash == hash && e.id_len == id.size() && ring_equals(e.pos, id)) return &e;
  }
  return nullptr;
}

bool SessionCache::store(std::span<const uint8_t> id, std::span<const uint8_t> der, int64_t expires,
                         int64_t now) {
  RobustLock lock(&hdr_->mu);
  if (!lock.locked()) return false;
  if (lock.owner_died()) reset_locked();
  size_t need = id.size() + der.size();
  if (id.empty() || need > hdr_->data_size) return false;
  uint32_t hash = id_hash(id);
  if (IndexEntry* old = find_locked(id, hash)) {
    old->removed = 1;
    hdr_->counters.replaces++;
  }
  while (hdr_->idx_count > 0) {
    const IndexEntry& head = index_[hdr_->idx_first];
    if (!head.removed && head.expires > now) break;
    if (!head.removed) hdr_->counters.expired++;
    pop_head_locked();
  }
  while (hdr_->idx_count == hdr_->index_cap || hdr_->data_size - hdr_->data_used < need) {
    if (!index_[hdr_->idx_first].removed) hdr_->counters.evictions++;
    pop_head_locked();
  }
  uint32_t pos = (hdr_->data_first + hdr_->data_used) % hdr_->data_size;
  auto id_len = static_cast<uint32_t>(id.size());
  write_ring(pos, id.data(), id_len);
  write_ring((pos + id_len) % hdr_->data_size, der.data(), static_cast<uint32_t>(der.size()));
  index_[(hdr_->idx_first + hdr_->idx_count) % hdr_->index_cap] = {
      expires, pos, id_len, static_cast<uint32_t>(der.size()), hash, 0};
  hdr_->idx_count++;
  hdr_->data_used += static_cast<uint32_t>(need);
  hdr_->counters.stores++;
  return true;
}

std::optional<std::vector<uint8_t>> SessionCache::retrieve(std::span<const uint8_t> id,
                                                           int64_t now) {
  RobustLock lock(&hdr_->mu);
  if (!lock.locked()) return std::nullopt;
  if (lock.owner_died()) reset_locked();
  IndexEntry* e = find_locked(id, id_hash(id));
  if (e && e->expires <= now) {
    e->removed = 1;
    hdr_->counters.expired++;
    e = nullptr;
  }
  if (!e) {
    hdr_->counters.misses++;
    return std::nullopt;
  }
  std::vector<uint8_t> der(e->der_len);
  read_ring((e->pos + e->id_len) % hdr_->data_size, der.data(), e->der_len);
  hdr_->counters.hits++;
  return der;
}

void SessionCache::remove(std::span<const uint8_t> id) {
  RobustLock lock(&hdr_->mu);
  if (!lock.locked()) return;
  if (lock.owner_died()) reset_locked();
  if (IndexEntry* e = find_locked(id, id_hash(id))) {
    e->removed = 1;
    hdr_->counters.removes++;
  } else {
    hdr_->counters.remove_misses++;
  }
}

SessionCacheStats SessionCache::stats() {
  RobustLock lock(&hdr_->mu);
  if (lock.owner_died()) reset_locked();
  SessionCacheStats s = hdr_->counters;
  s.entries = 0;
  for (uint32_t i = 0; i < hdr_->idx_count; ++i) {
    if (!index_[(hdr_->idx_first + i) % hdr_->index_cap].removed) s.entries++;
  }
  s.index_used = hdr_->idx_count;
  s.index_slots = hdr_->index_cap;
  s.data_used = hdr_->data_used;
  s.data_bytes = hdr_->data_size;
  s.oldest_expires = hdr_->idx_count > 0 ? index_[hdr_->idx_first].expires : 0;
  return s;
}

pthread_mutex_t* SessionCache::mutex_for_test() {
  return &hdr_->mu;
}

void apply_session_cache(SSL_CTX* ctx, const SessionCacheConfig& config, SessionCache* cache,
                         long timeout) {
  bool shared = config.kind == SessionCacheConfig::Kind::kShmcb && cache;
  if (config.kind == SessionCacheConfig::Kind::kNone) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  }
  SSL_CTX_set_ex_data(ctx, ctx_index(), shared ? cache : nullptr);
  SSL_CTX_sess_set_new_cb(ctx, shared ? new_session : nullptr);
  SSL_CTX_sess_set_get_cb(ctx, shared ? get_session : nullptr);
  SSL_CTX_sess_set_remove_cb(ctx, shared ? remove_session : nullptr);
  SSL_CTX_set_timeout(ctx, timeout);
}

}  // namespace tern::ssl
