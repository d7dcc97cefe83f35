#include "server/build_info.h"

#include <cstdio>
#include <cstdlib>

namespace tern {

std::string iso_build_time(std::string_view date, std::string_view time) {
  // date: "Nov 12 2026"; time: "08:58:41".
  static const char* kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (date.size() < 11 || time.size() < 8) return std::string(date) + " " + std::string(time);
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (date.substr(0, 3) == std::string_view(kMonths + m * 3, 3)) month = m + 1;
  }
  int day = std::atoi(std::string(date.substr(4, 2)).c_str());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4s-%02d-%02dT%.8s", date.data() + 7, month, day, time.data());
  return buf;
}

const std::string& server_built() {
  // The only use of __DATE__/__TIME__ in tern: every caller sees the same moment.
  static const std::string built = iso_build_time(__DATE__, __TIME__);
  return built;
}

}  // namespace tern
