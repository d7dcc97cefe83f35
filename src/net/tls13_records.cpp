#include "net/tls13_records.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include <algorithm>
#include <cstring>

namespace tern {

namespace {

constexpr uint8_t kKeyUpdate = 24;
constexpr uint8_t kCloseNotifyAlert = 0;
constexpr uint8_t kUserCanceled = 90;
constexpr uint8_t kUnexpectedMessage = 10;
constexpr uint8_t kBadRecordMac = 20;
constexpr uint8_t kRecordOverflow = 22;
constexpr uint8_t kDecodeError = 50;
constexpr uint8_t kIllegalParameter = 47;
// Records with less plaintext are gathered before they are encrypted.
constexpr size_t kGatherBelow = 4096;

}  // namespace

// The functions of the provider that implements an AEAD (provider-cipher(7)), called
// directly: OpenSSL 3.0's EVP layer asks the provider for the IV length by a parameter
// lookup on every EVP_CipherInit_ex and turns every EVP_CIPHER_CTX_ctrl into a parameter
// array; the record layer knows both and calls the implementation as EVP would.
struct Tls13Aead {
  void* provctx = nullptr;
  OSSL_FUNC_cipher_newctx_fn* newctx = nullptr;
  OSSL_FUNC_cipher_freectx_fn* freectx = nullptr;
  OSSL_FUNC_cipher_encrypt_init_fn* einit = nullptr;
  OSSL_FUNC_cipher_decrypt_init_fn* dinit = nullptr;
  OSSL_FUNC_cipher_update_fn* update = nullptr;
  OSSL_FUNC_cipher_final_fn* final = nullptr;
  OSSL_FUNC_cipher_get_ctx_params_fn* get_ctx_params = nullptr;
  OSSL_FUNC_cipher_set_ctx_params_fn* set_ctx_params = nullptr;
  const EVP_MD* md = nullptr;
  uint8_t key_len = 0;

  // Looks `name` up in the provider that implements it for the default library context.
  bool load(const char* name, const char* digest, uint8_t key_length) {
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, name, nullptr);
    md = EVP_MD_fetch(nullptr, digest, nullptr);
    key_len = key_length;
    const OSSL_PROVIDER* prov = cipher != nullptr ? EVP_CIPHER_get0_provider(cipher) : nullptr;
    if (prov != nullptr) {
      provctx = OSSL_PROVIDER_get0_provider_ctx(prov);
      int no_store = 0;
      const OSSL_ALGORITHM* algs = OSSL_PROVIDER_query_operation(prov, OSSL_OP_CIPHER, &no_store);
      for (const OSSL_ALGORITHM* a = algs; a != nullptr && a->algorithm_names != nullptr; ++a) {
        if (!names_include(a->algorithm_names, name)) continue;
        for (const OSSL_DISPATCH* f = a->implementation; f->function_id != 0; ++f) take(*f);
        break;
      }
      if (algs != nullptr) OSSL_PROVIDER_unquery_operation(prov, OSSL_OP_CIPHER, algs);
    }
    EVP_CIPHER_free(cipher);  // the provider stays loaded: the default one is never unloaded
    const bool ok = md != nullptr && provctx != nullptr && newctx != nullptr &&
                    freectx != nullptr && einit != nullptr && dinit != nullptr &&
                    update != nullptr && final != nullptr && get_ctx_params != nullptr &&
                    set_ctx_params != nullptr;
    if (!ok) EVP_MD_free(const_cast<EVP_MD*>(md));
    return ok;
  }

 private:
  // `names` ("AES-128-GCM:id-aes128-GCM:2.16…") lists `name` (case-insensitively).
  static bool names_include(std::string_view names, std::string_view name) {
    while (!names.empty()) {
      const size_t end = std::min(names.find(':'), names.size());
      const std::string_view n = names.substr(0, end);
      if (n.size() == name.size() && OPENSSL_strncasecmp(n.data(), name.data(), n.size()) == 0)
        return true;
      names.remove_prefix(std::min(end + 1, names.size()));
    }
    return false;
  }
  void take(const OSSL_DISPATCH& f) {
    switch (f.function_id) {
      case OSSL_FUNC_CIPHER_NEWCTX:
        newctx = OSSL_FUNC_cipher_newctx(&f);
        break;
      case OSSL_FUNC_CIPHER_FREECTX:
        freectx = OSSL_FUNC_cipher_freectx(&f);
        break;
      case OSSL_FUNC_CIPHER_ENCRYPT_INIT:
        einit = OSSL_FUNC_cipher_encrypt_init(&f);
        break;
      case OSSL_FUNC_CIPHER_DECRYPT_INIT:
        dinit = OSSL_FUNC_cipher_decrypt_init(&f);
        break;
      case OSSL_FUNC_CIPHER_UPDATE:
        update = OSSL_FUNC_cipher_update(&f);
        break;
      case OSSL_FUNC_CIPHER_FINAL:
        final = OSSL_FUNC_cipher_final(&f);
        break;
      case OSSL_FUNC_CIPHER_GET_CTX_PARAMS:
        get_ctx_params = OSSL_FUNC_cipher_get_ctx_params(&f);
        break;
      case OSSL_FUNC_CIPHER_SET_CTX_PARAMS:
        set_ctx_params = OSSL_FUNC_cipher_set_ctx_params(&f);
        break;
      default:
        break;
    }
  }
};

namespace {

// The AEAD of TLS 1.3 cipher suite `id`, loaded once (null: not one tern seals).
const Tls13Aead* suite_of(uint16_t id) {
  static const auto load = [](const char* name, const char* digest, uint8_t key_len) {
    auto* a = new Tls13Aead;  // lives as long as the process
    if (!a->load(name, digest, key_len)) {
      delete a;
      return static_cast<Tls13Aead*>(nullptr);
    }
    return a;
  };
  static const Tls13Aead* const aes128 = load("AES-128-GCM", "SHA256", 16);
  static const Tls13Aead* const aes256 = load("AES-256-GCM", "SHA384", 32);
  static const Tls13Aead* const chacha = load("ChaCha20-Poly1305", "SHA256", 32);
  return id == 0x1301 ? aes128 : id == 0x1302 ? aes256 : id == 0x1303 ? chacha : nullptr;
}

// HMAC (RFC 2104) of `data` under `key` (at most a block long) with the fetched digest
// `md`: HMAC() would fetch the MAC by name on every call.
bool hmac(const EVP_MD* md, const unsigned char* key, size_t key_len, const unsigned char* data,
          size_t data_len, unsigned char* out, unsigned int* out_len) {
  const int block = EVP_MD_get_block_size(md);
  unsigned char pad[128];
  if (block <= 0 || static_cast<size_t>(block) > sizeof pad || key_len > static_cast<size_t>(block))
    return false;  // a longer key would be hashed first; TLS 1.3 secrets never are
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0;
  const auto padded = [&](unsigned char with) {
    std::memset(pad, with, static_cast<size_t>(block));
    for (size_t i = 0; i < key_len; ++i) pad[i] ^= key[i];
    return EVP_DigestInit_ex(ctx, md, nullptr) == 1 &&
           EVP_DigestUpdate(ctx, pad, static_cast<size_t>(block)) == 1;
  };
  const bool ok = padded(0x36) && EVP_DigestUpdate(ctx, data, data_len) == 1 &&
                  EVP_DigestFinal_ex(ctx, inner, &inner_len) == 1 && padded(0x5c) &&
                  EVP_DigestUpdate(ctx, inner, inner_len) == 1 &&
                  EVP_DigestFinal_ex(ctx, out, out_len) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_cleanse(pad, sizeof pad);
  OPENSSL_cleanse(inner, sizeof inner);
  return ok;
}

// HKDF-Expand-Label(secret, label, "", len) for len up to the hash's length (RFC 8446 §7.1):
// one HMAC block.
bool expand_label(const EVP_MD* md, const unsigned char* secret, size_t secret_len,
                  std::string_view label, unsigned char* out, size_t len) {
  unsigned char info[2 + 1 + 6 + 32 + 1 + 1];
  size_t n = 0;
  info[n++] = static_cast<unsigned char>(len >> 8);
  info[n++] = static_cast<unsigned char>(len);
  info[n++] = static_cast<unsigned char>(6 + label.size());
  std::memcpy(info + n, "tls13 ", 6);
  n += 6;
  std::memcpy(info + n, label.data(), label.size());
  n += label.size();
  info[n++] = 0;  // empty context
  info[n++] = 1;  // T(1)
  unsigned char block[EVP_MAX_MD_SIZE];
  unsigned int block_len = 0;
  if (!hmac(md, secret, secret_len, info, n, block, &block_len) || block_len < len) return false;
  std::memcpy(out, block, len);
  OPENSSL_cleanse(block, sizeof block);
  return true;
}

}  // namespace

char* Tls13Input::room(uint32_t want) {
  const uint32_t used = len - off;
  if (cap - len >= want) return data.get() + len;
  if (cap - used >= want) {
    std::memmove(data.get(), data.get() + off, used);
  } else {
    const uint32_t size = std::max<uint32_t>(used + want, 2 * Tls13Records::kMaxRecord);
    std::unique_ptr<char[]> bigger(new char[size]);
    if (used > 0) std::memcpy(bigger.get(), data.get() + off, used);
    data = std::move(bigger);
    cap = size;
  }
  off = 0;
  len = used;
  return data.get() + len;
}

bool Tls13Input::has_record() const {
  return plain == 0 && size() >= Tls13Records::kHeader &&
         size() >= Tls13Records::kHeader + Tls13Records::body_length(data.get() + off);
}

void Tls13Input::release() {
  if (off != len) return;
  data.reset();
  cap = off = len = plain = skip = 0;
}

bool Tls13Records::supports(uint16_t protocol_id) {
  return suite_of(protocol_id) != nullptr;
}

Tls13Records::Tls13Records(uint16_t protocol_id, std::span<const unsigned char> client_secret,
                           std::span<const unsigned char> server_secret, uint64_t read_seq,
                           uint64_t write_seq) {
  const Tls13Aead* s = suite_of(protocol_id);
  if (s == nullptr) return;
  aead_ = s;
  md_ = s->md;
  key_len_ = s->key_len;
  hash_len_ = static_cast<uint8_t>(EVP_MD_get_size(md_));
  if (client_secret.size() != hash_len_ || server_secret.size() != hash_len_) return;
  std::memcpy(read_.secret, client_secret.data(), hash_len_);
  std::memcpy(write_.secret, server_secret.data(), hash_len_);
  read_.seq = read_seq;
  write_.seq = write_seq;
  ok_ = derive(read_) && derive(write_);
}

Tls13Records::~Tls13Records() {
  release();
  OPENSSL_cleanse(&read_, sizeof read_);
  OPENSSL_cleanse(&write_, sizeof write_);
}

void Tls13Records::release() {
  if (aead_ == nullptr) return;
  for (Direction* d : {&read_, &write_}) {
    if (d->ctx != nullptr) aead_->freectx(d->ctx);
    d->ctx = nullptr;
  }
}

bool Tls13Records::derive(Direction& d) {
  if (!expand_label(md_, d.secret, hash_len_, "key", d.key, key_len_) ||
      !expand_label(md_, d.secret, hash_len_, "iv", d.iv, sizeof d.iv))
    return false;
  // The context is made at the first record (a connection that goes idle first never
  // makes one).
  if (d.ctx != nullptr) aead_->freectx(d.ctx);
  d.ctx = nullptr;
  return true;
}

bool Tls13Records::ready(Direction& d, bool encrypt) {
  if (d.ctx != nullptr) return true;
  d.ctx = aead_->newctx(aead_->provctx);
  if (d.ctx == nullptr) return false;
  const int ok = encrypt ? aead_->einit(d.ctx, d.key, key_len_, nullptr, 0, nullptr)
                         : aead_->dinit(d.ctx, d.key, key_len_, nullptr, 0, nullptr);
  if (ok == 1) return true;
  aead_->freectx(d.ctx);
  d.ctx = nullptr;
  return false;
}

bool Tls13Records::update(Direction& d) {
  unsigned char next[48];
  if (!expand_label(md_, d.secret, hash_len_, "traffic upd", next, hash_len_)) return false;
  std::memcpy(d.secret, next, hash_len_);
  OPENSSL_cleanse(next, sizeof next);
  d.seq = 0;
  return derive(d);
}

void Tls13Records::nonce(const Direction& d, unsigned char out[12]) const {
  std::memcpy(out, d.iv, 12);
  for (int i = 0; i < 8; ++i) out[11 - i] ^= static_cast<unsigned char>(d.seq >> (8 * i));
}

bool Tls13Records::seal(std::span<const iovec> iov, uint8_t type, char* out) {
  if (!ok_ || !ready(write_, true)) return false;
  size_t plain = 0;
  for (const iovec& v : iov) plain += v.iov_len;
  const size_t body = plain + 1 + kTag;
  auto* o = reinterpret_cast<unsigned char*>(out);
  o[0] = kApplicationData;
  o[1] = 3;
  o[2] = 3;
  o[3] = static_cast<unsigned char>(body >> 8);
  o[4] = static_cast<unsigned char>(body);
  unsigned char iv[12];
  nonce(write_, iv);
  void* c = write_.ctx;
  const Tls13Aead& a = *aead_;
  size_t n = 0;
  unsigned char* const text = o + kHeader;
  const size_t room = plain + 1;
  if (a.einit(c, nullptr, 0, iv, sizeof iv, nullptr) != 1 ||
      a.update(c, nullptr, &n, kHeader, o, kHeader) != 1)  // the header is the additional data
    return false;
  unsigned char* p = text;
  if (plain < kGatherBelow) {
    // A small record is gathered first and encrypted in place with one call: a piece that
    // ends inside a block takes the cipher's slow path.
    for (const iovec& v : iov) {
      std::memcpy(p, v.iov_base, v.iov_len);
      p += v.iov_len;
    }
    *p++ = type;
    if (a.update(c, text, &n, room, text, room) != 1 || n != room) return false;
  } else {
    // A large one is encrypted from the caller's buffers (no copy).
    for (const iovec& v : iov) {
      if (v.iov_len == 0) continue;
      if (a.update(c, p, &n, room - static_cast<size_t>(p - text),
                   static_cast<const unsigned char*>(v.iov_base), v.iov_len) != 1)
        return false;
      p += n;
    }
    if (a.update(c, p, &n, room - static_cast<size_t>(p - text), &type, 1) != 1) return false;
    p += n;
  }
  if (p != text + room || a.final(c, p, &n, 0) != 1 || n != 0) return false;
  OSSL_PARAM tag[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, p, kTag),
                       OSSL_PARAM_construct_end()};
  if (a.get_ctx_params(c, tag) != 1) return false;
  ++write_.seq;
  return true;
}

bool Tls13Records::seal_key_update(char* out) {
  const unsigned char msg[5] = {kKeyUpdate, 0, 0, 1, 0};
  const iovec v{const_cast<unsigned char*>(msg), sizeof msg};
  if (!seal({&v, 1}, kHandshake, out) || !update(write_)) return false;
  key_update_due_ = false;
  return true;
}

Tls13Records::Opened Tls13Records::open(Tls13Input& in) {
  const auto bad = [this](uint8_t alert) {
    alert_ = alert;
    return Opened::kBad;
  };
  const uint32_t avail = in.len - in.off;
  if (avail < kHeader) return Opened::kNeedMore;
  auto* p = reinterpret_cast<unsigned char*>(in.data.get() + in.off);
  const size_t body = body_length(p);
  // After the handshake every record is application_data on the wire (§5.2).
  if (p[0] != kApplicationData) return bad(kUnexpectedMessage);
  if (body > kMaxPlain + 256) return bad(kRecordOverflow);
  if (body < 1 + kTag) return bad(kBadRecordMac);  // too short to hold a content type
  if (avail < kHeader + body) return Opened::kNeedMore;
  if (!ok_ || !ready(read_, false)) return bad(kBadRecordMac);
  unsigned char iv[12];
  nonce(read_, iv);
  void* c = read_.ctx;
  const Tls13Aead& a = *aead_;
  unsigned char* text = p + kHeader;
  const size_t cipher_len = body - kTag;
  size_t n = 0;
  OSSL_PARAM tag[2] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, text + cipher_len, kTag),
      OSSL_PARAM_construct_end()};
  if (a.dinit(c, nullptr, 0, iv, sizeof iv, nullptr) != 1 ||
      a.update(c, nullptr, &n, kHeader, p, kHeader) != 1 ||
      a.update(c, text, &n, cipher_len, text, cipher_len) != 1 || n != cipher_len ||
      a.set_ctx_params(c, tag) != 1 || a.final(c, text + cipher_len, &n, 0) != 1)
    return bad(kBadRecordMac);
  ++read_.seq;
  bytes_opened_ += kHeader + body;
  // TLSInnerPlaintext: content, content type, zero padding.
  size_t inner = cipher_len;
  while (inner > 0 && text[inner - 1] == 0) --inner;
  if (inner == 0) return bad(kUnexpectedMessage);
  const uint8_t type = text[inner - 1];
  const size_t content = inner - 1;
  const auto consume = [&] { in.off += static_cast<uint32_t>(kHeader + body); };
  switch (type) {
    case kApplicationData:
      in.off += kHeader;
      in.plain = static_cast<uint32_t>(content);
      in.skip = static_cast<uint32_t>(body - content);
      return Opened::kData;
    case kAlert:
      consume();
      if (content != 2) return bad(kDecodeError);
      if (text[1] == kCloseNotifyAlert) return Opened::kCloseNotify;
      if (text[1] == kUserCanceled) return Opened::kData;  // a warning; close_notify follows
      alert_ = text[1];
      return Opened::kAlert;
    case kHandshake:
      // Only a KeyUpdate may come from a client now (no post-handshake authentication was
      // offered); one message per record.
      consume();
      if (content != 5 || text[0] != kKeyUpdate || text[1] != 0 || text[2] != 0 || text[3] != 1)
        return bad(kUnexpectedMessage);
      if (text[4] > 1) return bad(kIllegalParameter);
      key_update_due_ = key_update_due_ || text[4] == 1;
      if (!update(read_)) return bad(kBadRecordMac);
      return Opened::kKeyUpdated;
    default:
      consume();
      return bad(kUnexpectedMessage);
  }
}

}  // namespace tern
