#pragma once
// FNV-1a, the hash of short keys where std::hash's out-of-line _Hash_bytes costs more than
// the key (MIME extensions, TLS session ids).

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace tern {

// FNV-1a of `bytes` in 32 or 64 bits (Hash = uint32_t or uint64_t), inline.
template <typename Hash>
constexpr Hash fnv1a(std::string_view bytes) {
  static_assert(std::is_same_v<Hash, uint32_t> || std::is_same_v<Hash, uint64_t>);
  constexpr bool wide = std::is_same_v<Hash, uint64_t>;
  Hash h = wide ? Hash(14695981039346656037ull) : Hash(2166136261u);
  const Hash prime = wide ? Hash(1099511628211ull) : Hash(16777619u);
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * prime;
  return h;
}

}  // namespace tern
