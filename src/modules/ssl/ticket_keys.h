#pragma once
// SSLSessionTickets (mod_ssl) with ticket keys shared by every child and rotated, as nginx
// does for a shared session cache: three keys live in shared memory made before fork() —
// previous, current and next. Tickets are encrypted (AES-256-CBC, HMAC-SHA256 through
// EVP_MAC) with the current key; the previous and next keys are still accepted, and a
// ticket under either is renewed. Whoever first notices that the rotation period passed
// rotates under the robust lock: previous is wiped (its bytes overwritten: forward secrecy),
// current becomes previous, next becomes current, a fresh next is drawn. A ticket therefore
// resumes for at least one period and at most two after it was issued.
//
// Period: tern rotates every SSLSessionCacheTimeout (default 300 s), as nginx rotates every
// ssl_session_timeout: OpenSSL advertises that timeout as the ticket's lifetime hint, so a
// ticket stays usable for its whole advertised life, and no key that encrypted a session can
// outlive it by more than one period.

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "modules/ssl/shared_lock.h"

namespace tern::ssl {

// One ticket key: nginx's 80-byte layout.
struct TicketKey {
  uint8_t name[16];
  uint8_t hmac[32];
  uint8_t aes[32];
};

// The rotation period for a session timeout: the timeout itself, at least one second.
int64_t ticket_rotation_period(long session_timeout);

// The shared, rotating key set. Create it in the control process before fork().
class TicketKeys {
 public:
  using Clock = int64_t (*)();

  // Maps the key set and draws the first current and next keys; rotation every `period`
  // seconds from now (by `clock`, default wall time). Null + *error on failure.
  static std::unique_ptr<TicketKeys> create(int64_t period, std::string* error,
                                            Clock clock = nullptr);

  // The key to encrypt a new ticket with (rotating first when due); false if none.
  bool encryption_key(TicketKey* out);
  // The key named `name` (rotating first when due): 0 = unknown (full handshake), 1 =
  // current, 2 = previous or next (accept and issue a new ticket).
  int decryption_key(const uint8_t (&name)[16], TicketKey* out);
  // How many rotations happened (by any process).
  uint64_t rotations();

  // Tests: inject the clock, reach the lock, and read the raw shared bytes.
  void set_clock(Clock clock) { clock_ = clock; }
  pthread_mutex_t* mutex_for_test();
  std::span<const uint8_t> memory_for_test() const;

 private:
  struct Shared;
  explicit TicketKeys(std::unique_ptr<SharedMemory> shm, Clock clock);
  void rotate_if_due_locked(bool owner_died);

  std::unique_ptr<SharedMemory> shm_;
  Shared* sh_;
  Clock clock_;
};

// Applies SSLSessionTickets on|off to ctx: off sets SSL_OP_NO_TICKET (TLS 1.3 then issues
// stateful tickets through the session cache, as mod_ssl); on clears it and installs the
// shared keys (required then; they must outlive ctx). Install on every SSL_CTX a connection
// may switch to by SNI.
void apply_session_tickets(SSL_CTX* ctx, bool on, TicketKeys* keys);

// SSLSessionTicketKeyFile: makes ctx encrypt and accept tickets with the key in the first
// 48 bytes of `path` (mod_ssl's layout: 16 bytes of key name, 16 of HMAC-SHA256 secret, 16
// of AES-128-CBC key), instead of the shared rotating keys; servers that share the file
// resume each other's tickets. Read once (the control process, before privileges drop);
// a new file takes effect on restart. "" or mod_ssl's error text.
std::string apply_ticket_key_file(SSL_CTX* ctx, const std::string& path);

}  // namespace tern::ssl
