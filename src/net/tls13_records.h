#pragma once
// TLS 1.3 application-data records sealed and opened by tern once OpenSSL has finished the
// handshake (what kernel TLS does in the kernel and h2o does with picotls). OpenSSL 3.0's
// record layer spends more instructions per small record on bookkeeping (parameter lookups
// by name, BIO controls, packet buffers) than the cipher itself costs; here one
// pre-initialised AEAD context per direction seals each record from the caller's buffers
// straight into the send buffer, and opens received records in place. The handshake,
// session tickets and post-handshake authentication stay OpenSSL's (the transport takes
// over only connections that cannot need the latter). RFC 8446 §5.2–5.4 and §7.

#include <openssl/evp.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace tern {

// Ciphertext read from the socket and not handed on yet, and the plaintext of the record
// opened last that the reader has not taken. Layout of [off, len): `plain` bytes of plaintext,
// `skip` bytes of the record's trailer (content type, padding, tag), then whole or partial records.
struct Tls13Input {
  std::unique_ptr<char[]> data;
  uint32_t cap = 0;
  uint32_t off = 0;
  uint32_t len = 0;
  uint32_t plain = 0;
  uint32_t skip = 0;
  // Bytes not yet handed on (plaintext, trailer and records).
  uint32_t size() const { return len - off; }
  // A whole record starts at `off` (no plaintext is left before it).
  bool has_record() const;
  // Makes room for `room` more bytes at the end (moving the unread bytes to the front).
  char* room(uint32_t room);
  // Frees the buffer when nothing is left in it.
  void release();
};

struct Tls13Aead;

// The AEAD of a TLS 1.3 cipher suite, with its keys for both directions.
class Tls13Records {
 public:
  // What opening the first record of the input gave.
  enum class Opened : uint8_t {
    kNeedMore,     // no complete record yet
    kData,         // application data (possibly empty): input.plain bytes at input.off
    kCloseNotify,  // the peer's close_notify
    kKeyUpdated,   // a KeyUpdate; the read key moved on (update_requested: answer one)
    kAlert,        // a fatal alert from the peer (alert())
    kBad,          // a record that fails (bad_record_mac, record_overflow, unexpected_message):
                   // send alert() and close
  };

  // False when tern does not seal records of the suite `protocol_id` (TLS 1.3's
  // AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 are sealed; the CCM suites are not).
  static bool supports(uint16_t protocol_id);
  // Keys of suite `protocol_id` from the traffic secrets, and the sequence numbers of the
  // next record in each direction (OpenSSL's records so far). ok() says whether it worked.
  Tls13Records(uint16_t protocol_id, std::span<const unsigned char> client_secret,
               std::span<const unsigned char> server_secret, uint64_t read_seq, uint64_t write_seq);
  ~Tls13Records();
  Tls13Records(const Tls13Records&) = delete;
  Tls13Records& operator=(const Tls13Records&) = delete;
  // The keys were derived and the cipher contexts made.
  bool ok() const { return ok_; }

  // Bytes of one sealed record carrying `plain` bytes (header, content type and tag added).
  static constexpr size_t sealed_size(size_t plain) { return plain + kOverhead; }
  // Seals the bytes of `iov` (together at most 16 KiB) as one record of content type
  // `type` into `out` (room for sealed_size()); false if the cipher failed.
  bool seal(std::span<const iovec> iov, uint8_t type, char* out);
  // Opens the first record of `in` in place (see Opened).
  Opened open(Tls13Input& in);
  // The alert to send (or the one received) after kAlert/kBad.
  uint8_t alert() const { return alert_; }
  // The peer asked for our KeyUpdate and it has not been sealed yet: however many it asked
  // for, one answers them all (RFC 8446 §4.6.3), before our next record.
  bool key_update_due() const { return key_update_due_; }
  // Seals that KeyUpdate (update_not_requested) into `out` (room for sealed_size(5)) under
  // the current write key, then moves the write key on.
  bool seal_key_update(char* out);
  // Frees the cipher contexts of an idle connection (made again at the next record).
  void release();
  // Ciphertext bytes opened so far (the traffic counted after the handshake).
  uint64_t bytes_opened() const { return bytes_opened_; }

  // The body length a record header (5 bytes at `header`) announces.
  static size_t body_length(const void* header) {
    const auto* h = static_cast<const unsigned char*>(header);
    return (size_t{h[3]} << 8) | h[4];
  }

  // Content types (RFC 8446 §5.1).
  static constexpr uint8_t kAlert = 21;
  static constexpr uint8_t kHandshake = 22;
  static constexpr uint8_t kApplicationData = 23;
  static constexpr size_t kHeader = 5;
  static constexpr size_t kTag = 16;
  static constexpr size_t kOverhead = kHeader + 1 + kTag;
  static constexpr size_t kMaxPlain = 16384;
  static constexpr size_t kMaxRecord = kHeader + kMaxPlain + 256;

 private:
  struct Direction {
    unsigned char secret[48];
    unsigned char key[32];
    unsigned char iv[12];
    uint64_t seq = 0;
    void* ctx = nullptr;  // the provider's cipher context (null: released)
  };
  // Derives key and iv of `d` from its secret (its context is made at the next record).
  bool derive(Direction& d);
  // Makes `d`'s context if released; false if OpenSSL failed.
  bool ready(Direction& d, bool encrypt);
  // The next secret of `d` (RFC 8446 §7.2) and its keys.
  bool update(Direction& d);
  // The nonce of `d`'s next record.
  void nonce(const Direction& d, unsigned char out[12]) const;

  const Tls13Aead* aead_ = nullptr;
  const EVP_MD* md_ = nullptr;
  uint8_t key_len_ = 0;
  uint8_t hash_len_ = 0;
  bool ok_ = false;
  bool key_update_due_ = false;
  uint8_t alert_ = 0;
  uint64_t bytes_opened_ = 0;
  Direction read_;
  Direction write_;
};

}  // namespace tern
