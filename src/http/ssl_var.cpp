#include "http/ssl_var.h"

namespace tern {

std::string ssl_var(const Transport* t, std::string_view name) {
  if (name == "HTTPS") return is_tls(t) ? "on" : "off";
  std::string v;
  if (t == nullptr || !t->tls_var(name, &v)) return "";
  return v;
}

bool is_tls(const Transport* t) {
  return t != nullptr && t->scheme() == "https";
}

}  // namespace tern
