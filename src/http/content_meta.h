#pragma once
// What a request's type_checker decided about the file it serves (httpd's
// r->content_type, r->content_encoding and r->content_languages).

#include <string_view>

namespace tern {

// Views valid for the request (into the configuration or a thread's buffers); empty
// when unknown. `language` holds the languages joined by ", ", as the header sends them.
struct ContentMeta {
  std::string_view type;      // with "; charset=…" when one applies
  std::string_view encoding;  // "x-gzip", or several joined by ", "
  std::string_view language;
};

}  // namespace tern
