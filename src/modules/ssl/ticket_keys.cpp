// Shared rotating session ticket keys and OpenSSL 3's ticket key callback
// (SSL_CTX_set_tlsext_ticket_key_evp_cb).

#include "modules/ssl/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>

namespace tern::ssl {

struct TicketKeys::Shared {
  pthread_mutex_t mu;
  int64_t period;
  int64_t rotated_at;  // when `current` became current
  uint64_t rotations;
  // 0 = previous, 1 = current, 2 = next.
  TicketKey keys[3];
  bool valid[3];
};

namespace {

constexpr int kPrevious = 0, kCurrent = 1, kNext = 2;

int64_t wall_clock() {
  return static_cast<int64_t>(std::time(nullptr));
}

bool fresh_key(TicketKey* k) {
  return RAND_bytes(reinterpret_cast<uint8_t*>(k), sizeof *k) == 1;
}

int ctx_index() {
  static const int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

// The ticket ciphers, fetched once per process: EVP_aes_256_cbc() and EVP_aes_128_cbc()
// are fetched again inside every EVP_EncryptInit_ex (OpenSSL 3's implicit fetch), that is
// for every ticket issued and every ticket presented. Never freed (process lifetime). Null
// when no provider has the cipher: EVP_*Init_ex then fails, and so does the ticket.
const EVP_CIPHER* aes_256_cbc() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  return cipher;
}
const EVP_CIPHER* aes_128_cbc() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  return cipher;
}

// Keys a ticket's cipher (AES-CBC with `aes`) and HMAC-SHA256 (with `hmac`); when
// encrypting, also writes the key's name and a fresh IV. False on failure.
bool init_ticket_crypto(const EVP_CIPHER* cipher, const uint8_t* aes, const uint8_t* hmac,
                        size_t hmac_len, const uint8_t* name, unsigned char key_name[16],
                        unsigned char* iv, EVP_CIPHER_CTX* cctx, EVP_MAC_CTX* hctx, int enc) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (enc) {
    std::memcpy(key_name, name, 16);
    if (RAND_bytes_ex(nullptr, iv, EVP_MAX_IV_LENGTH, 0) != 1 ||
        EVP_EncryptInit_ex(cctx, cipher, nullptr, aes, iv) != 1) {
      return false;
    }
  } else if (EVP_DecryptInit_ex(cctx, cipher, nullptr, aes, iv) != 1) {
    return false;
  }
  return EVP_MAC_init(hctx, hmac, hmac_len, params) == 1;
}

// SSLSessionTicketKeyFile's key, owned by the SSL_CTX (ex_data, freed and wiped with it).
struct FileTicketKey {
  uint8_t name[16];
  uint8_t hmac[16];
  uint8_t aes[16];
};

void free_file_key(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  if (ptr == nullptr) return;
  OPENSSL_cleanse(ptr, sizeof(FileTicketKey));
  delete static_cast<FileTicketKey*>(ptr);
}

int file_key_index() {
  static const int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_file_key);
  return idx;
}

// The ticket callback of every context. OpenSSL calls the one of the context the
// connection started with, even after SNI switched it, so the key is looked up on the
// context in use: its SSLSessionTicketKeyFile (mod_ssl's ssl_callback_SessionTicket: one
// key, AES-128), else the shared rotating keys (AES-256).
int ticket_callback(SSL* ssl, unsigned char key_name[16], unsigned char* iv, EVP_CIPHER_CTX* cctx,
                    EVP_MAC_CTX* hctx, int enc) {
  SSL_CTX* ctx = SSL_get_SSL_CTX(ssl);
  if (const auto* fk =
          static_cast<const FileTicketKey*>(SSL_CTX_get_ex_data(ctx, file_key_index()))) {
    if (!enc && CRYPTO_memcmp(key_name, fk->name, sizeof fk->name) != 0) return 0;
    return init_ticket_crypto(aes_128_cbc(), fk->aes, fk->hmac, sizeof fk->hmac, fk->name, key_name,
                              iv, cctx, hctx, enc)
               ? 1
               : -1;
  }
  auto* keys = static_cast<TicketKeys*>(SSL_CTX_get_ex_data(ctx, ctx_index()));
  if (!keys) return enc ? -1 : 0;
  TicketKey key;
  int rc = 1;
  if (enc) {
    if (!keys->encryption_key(&key)) return -1;
  } else {
    uint8_t name[16];
    std::memcpy(name, key_name, sizeof name);
    rc = keys->decryption_key(name, &key);  // 0: unknown (a full handshake)
  }
  if (rc != 0 && !init_ticket_crypto(aes_256_cbc(), key.aes, key.hmac, sizeof key.hmac, key.name,
                                     key_name, iv, cctx, hctx, enc)) {
    rc = -1;
  }
  OPENSSL_cleanse(&key, sizeof key);
  return rc;
}

}  // namespace

std::string apply_ticket_key_file(SSL_CTX* ctx, const std::string& path) {
  const std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return "Failed to load ticket key: " + path + " (" + std::strerror(errno) + ")";
  auto key = std::make_unique<FileTicketKey>();
  static_assert(sizeof(FileTicketKey) == 48);
  const size_t got = std::fread(key.get(), 1, sizeof(FileTicketKey), f.get());
  if (got != sizeof(FileTicketKey)) {
    OPENSSL_cleanse(key.get(), sizeof(FileTicketKey));
    return "Failed to load ticket key: " + path + " (" + std::to_string(got) +
           " bytes read, 48 needed)";
  }
  if (SSL_CTX_set_ex_data(ctx, file_key_index(), key.get()) != 1) {
    OPENSSL_cleanse(key.get(), sizeof(FileTicketKey));
    return "Failed to install ticket key: " + path;
  }
  key.release();  // the SSL_CTX owns it now (free_file_key)
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_callback);
  return "";
}

int64_t ticket_rotation_period(long session_timeout) {
  return std::max<int64_t>(session_timeout, 1);
}

std::unique_ptr<TicketKeys> TicketKeys::create(int64_t period, std::string* error, Clock clock) {
  auto shm = SharedMemory::create(sizeof(Shared), error);
  if (!shm) return nullptr;
  auto* sh = new (shm->data()) Shared();
  *error = init_robust_mutex(&sh->mu);
  if (!error->empty()) return nullptr;
  if (!fresh_key(&sh->keys[kCurrent]) || !fresh_key(&sh->keys[kNext])) {
    *error = "could not draw session ticket keys";
    return nullptr;
  }
  sh->valid[kCurrent] = sh->valid[kNext] = true;
  sh->period = std::max<int64_t>(period, 1);
  clock = clock ? clock : wall_clock;
  sh->rotated_at = clock();
  return std::unique_ptr<TicketKeys>(new TicketKeys(std::move(shm), clock));
}

TicketKeys::TicketKeys(std::unique_ptr<SharedMemory> shm, Clock clock)
    : shm_(std::move(shm)), sh_(static_cast<Shared*>(shm_->data())), clock_(clock) {}

void TicketKeys::rotate_if_due_locked(bool owner_died) {
  int64_t now = clock_();
  if (owner_died) {
    // A process died mid-update: start over with fresh keys (old tickets get a full
    // handshake, nothing half-written is ever used).
    OPENSSL_cleanse(sh_->keys, sizeof sh_->keys);
    sh_->valid[kPrevious] = false;
    sh_->valid[kCurrent] = fresh_key(&sh_->keys[kCurrent]);
    sh_->valid[kNext] = fresh_key(&sh_->keys[kNext]);
    sh_->rotated_at = now;
    return;
  }
  if (now < sh_->rotated_at + sh_->period) return;
  int64_t due = (now - sh_->rotated_at) / sh_->period;
  for (int64_t i = 0; i < std::min<int64_t>(due, 3); ++i) {
    TicketKey next;
    if (!fresh_key(&next)) return;  // try again at the next handshake
    OPENSSL_cleanse(&sh_->keys[kPrevious], sizeof(TicketKey));
    sh_->keys[kPrevious] = sh_->keys[kCurrent];
    sh_->valid[kPrevious] = sh_->valid[kCurrent];
    sh_->keys[kCurrent] = sh_->keys[kNext];
    sh_->valid[kCurrent] = sh_->valid[kNext];
    sh_->keys[kNext] = next;
    sh_->valid[kNext] = true;
    OPENSSL_cleanse(&next, sizeof next);
    sh_->rotations++;
  }
  sh_->rotated_at += due * sh_->period;
}

bool TicketKeys::encryption_key(TicketKey* out) {
  RobustLock lock(&sh_->mu);
  if (!lock.locked()) return false;
  rotate_if_due_locked(lock.owner_died());
  if (!sh_->valid[kCurrent]) return false;
  *out = sh_->keys[kCurrent];
  return true;
}

int TicketKeys::decryption_key(const uint8_t (&name)[16], TicketKey* out) {
  RobustLock lock(&sh_->mu);
  if (!lock.locked()) return 0;
  rotate_if_due_locked(lock.owner_died());
  for (int i : {kCurrent, kPrevious, kNext}) {
    if (sh_->valid[i] && CRYPTO_memcmp(sh_->keys[i].name, name, sizeof name) == 0) {
      *out = sh_->keys[i];
      return i == kCurrent ? 1 : 2;
    }
  }
  return 0;
}

uint64_t TicketKeys::rotations() {
  RobustLock lock(&sh_->mu);
  if (lock.owner_died()) rotate_if_due_locked(true);
  return sh_->rotations;
}

pthread_mutex_t* TicketKeys::mutex_for_test() {
  return &sh_->mu;
}

std::span<const uint8_t> TicketKeys::memory_for_test() const {
  return {static_cast<const uint8_t*>(shm_->data()), shm_->size()};
}

void apply_session_tickets(SSL_CTX* ctx, bool on, TicketKeys* keys) {
  if (!on) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    return;
  }
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
  if (keys) {
    SSL_CTX_set_ex_data(ctx, ctx_index(), keys);
    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_callback);
  }
}

}  // namespace tern::ssl
