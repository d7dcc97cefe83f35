#include "http/request.h"

namespace tern {

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

void Request::rebase(const char* from, size_t len, const char* to) {
  const auto lo = reinterpret_cast<uintptr_t>(from);
  auto fix = [&](std::string_view& v) {
    const auto at = reinterpret_cast<uintptr_t>(v.data());
    if (at >= lo && at < lo + len) v = std::string_view(to + (at - lo), v.size());
  };
  fix(method_name);
  fix(target);
  fix(path);
  fix(query);
  fix(host);
  fix(request_line);
  for (HeaderField& f : headers) {
    fix(f.name);
    fix(f.value);
  }
}

void Request::clear() {
  auto keep = std::move(headers);
  keep.clear();
  *this = Request{};
  headers = std::move(keep);
}

}  // namespace tern
