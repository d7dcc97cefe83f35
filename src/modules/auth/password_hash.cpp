#include "modules/auth/password_hash.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

namespace tern {

namespace {

constexpr std::string_view kApr1Magic = "$apr1$";
constexpr std::string_view kShaPrefix = "{SHA}";
constexpr char kItoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

using Digest = std::array<unsigned char, 16>;

// One MD5 computation over several pieces (OpenSSL's EVP interface).
class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr); }
  void update(std::string_view s) { EVP_DigestUpdate(ctx_.get(), s.data(), s.size()); }
  void update(const unsigned char* p, size_t n) { EVP_DigestUpdate(ctx_.get(), p, n); }
  Digest final() {
    Digest d{};
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), d.data(), &n);
    return d;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

// Appends the `n` low 6-bit groups of `v`, least significant first (apr's to64).
void to64(std::string& out, unsigned long v, int n) {
  while (n-- > 0) {
    out.push_back(kItoa64[v & 0x3f]);
    v >>= 6;
  }
}

// crypt(3) of the system, thread-safe (crypt_rn with its own scratch); "" on failure.
std::string system_crypt(std::string_view password, std::string_view setting) {
  const std::string pw(password);
  const std::string set(setting);
  if (pw.size() != password.size() || set.size() != setting.size()) return "";
  // Zero-initialised as crypt_rn wants; on the heap (32 KiB), not in every thread's TLS.
  auto data = std::make_unique<crypt_data>();
  const char* r = crypt_rn(pw.c_str(), set.c_str(), data.get(), sizeof(crypt_data));
  if (r == nullptr || r[0] == '*') return "";  // libxcrypt's failure tokens start with '*'
  return r;
}

}  // namespace

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string apr1_md5_encode(std::string_view password, std::string_view salt) {
  if (salt.starts_with(kApr1Magic)) salt.remove_prefix(kApr1Magic.size());
  salt = salt.substr(0, salt.find('$'));
  if (salt.size() > 8) salt = salt.substr(0, 8);

  Md5 ctx;
  ctx.update(password);
  ctx.update(kApr1Magic);
  ctx.update(salt);
  Md5 alt;
  alt.update(password);
  alt.update(salt);
  alt.update(password);
  Digest final = alt.final();
  for (size_t left = password.size(); left > 0; left -= std::min<size_t>(left, 16))
    ctx.update(final.data(), std::min<size_t>(left, 16));
  final.fill(0);
  for (size_t i = password.size(); i != 0; i >>= 1) {
    if (i & 1) {
      ctx.update(final.data(), 1);
    } else {
      ctx.update(password.substr(0, 1));
    }
  }
  final = ctx.final();
  // 1000 rounds to slow down a dictionary attack (as the FreeBSD MD5 crypt it follows).
  for (int i = 0; i < 1000; ++i) {
    Md5 round;
    if (i & 1) {
      round.update(password);
    } else {
      round.update(final.data(), final.size());
    }
    if (i % 3) round.update(salt);
    if (i % 7) round.update(password);
    if (i & 1) {
      round.update(final.data(), final.size());
    } else {
      round.update(password);
    }
    final = round.final();
  }
  std::string out(kApr1Magic);
  out.append(salt);
  out.push_back('$');
  const auto f = [&final](size_t i) -> unsigned long { return final[i]; };
  to64(out, (f(0) << 16) | (f(6) << 8) | f(12), 4);
  to64(out, (f(1) << 16) | (f(7) << 8) | f(13), 4);
  to64(out, (f(2) << 16) | (f(8) << 8) | f(14), 4);
  to64(out, (f(3) << 16) | (f(9) << 8) | f(15), 4);
  to64(out, (f(4) << 16) | (f(10) << 8) | f(5), 4);
  to64(out, f(11), 2);
  return out;
}

std::string sha1_base64_encode(std::string_view password) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  EVP_Digest(password.data(), password.size(), md.data(), &n, EVP_sha1(), nullptr);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> b64{};
  const int len = EVP_EncodeBlock(b64.data(), md.data(), static_cast<int>(n));
  std::string out(kShaPrefix);
  out.append(reinterpret_cast<const char*>(b64.data()), static_cast<size_t>(len));
  return out;
}

bool password_validate(std::string_view password, std::string_view hash) {
  std::string sample;
  if (hash.starts_with(kApr1Magic)) {
    sample = apr1_md5_encode(password, hash);
  } else if (hash.starts_with(kShaPrefix)) {
    sample = sha1_base64_encode(password);
  } else {
    // bcrypt ($2y$, $2a$, $2b$) and everything else go to crypt(3), as apr does on Linux
    // (its own bcrypt gives the same strings); there, a plaintext "hash" never matches.
    sample = system_crypt(password, hash);
    if (sample.empty()) return false;
  }
  return equal_constant_time(sample, hash);
}

}  // namespace tern
