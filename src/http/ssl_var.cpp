#include "http/ssl_var.h"

namespace tern {

std::string ssl_var(const Transport* t, std::string_view name) {
  if (name == "HTTPS") return t != nullptr && t->scheme() == "https" ? "on" : "off";
  std::string v;
  if (t == nullptr || !t->tls_var(name, &v)) return "";
  return v;
}

}  // namespace tern
