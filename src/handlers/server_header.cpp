#include "handlers/server_header.h"

#include <string_view>

#ifndef TERN_VERSION
#define TERN_VERSION "0.0.0"
#endif

namespace tern {

std::string server_header_value(ServerTokens tokens) {
  std::string_view version = TERN_VERSION;
  size_t dot1 = version.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : version.find('.', dot1 + 1);
  std::string out = "tern";
  switch (tokens) {
    case ServerTokens::kProd:
      return out;
    case ServerTokens::kMajor:
      return out.append("/").append(version.substr(0, dot1));
    case ServerTokens::kMinor:
      return out.append("/").append(version.substr(0, dot2));
    case ServerTokens::kMinimal:
      return out.append("/").append(version);
    case ServerTokens::kOS:
    case ServerTokens::kFull:
      return out.append("/").append(version).append(" (Unix)");
  }
  return out;
}

}  // namespace tern
