#include "http/conditional.h"

#include <algorithm>

#include "http/etag.h"
#include "http/http_date.h"

namespace tern {

namespace {

bool is_safe_read(Method m) {
  return m == Method::kGet || m == Method::kHead;
}

bool keep_on_304(std::string_view name) {
  static constexpr std::string_view kKeep[] = {"ETag",       "Last-Modified", "Cache-Control",
                                               "Expires",    "Vary",          "Content-Location",
                                               "Set-Cookie", "Warning"};
  for (std::string_view k : kKeep) {
    if (iequals(k, name)) return true;
  }
  return false;
}

// True when a field's name may be one of the If-* preconditions (all begin with "If-").
bool any_if_field(const Request& req) {
  for (const HeaderField& f : req.headers) {
    const std::string_view n = f.name;
    if (n.size() > 3 && (n[0] | 0x20) == 'i' && (n[1] | 0x20) == 'f' && n[2] == '-') return true;
  }
  return false;
}

}  // namespace

int evaluate_preconditions(const Request& req, const Validators& v) {
  // Most requests carry none: one pass over the fields instead of four lookups.
  if (!any_if_field(req)) return 0;
  // Step 1 / 2: If-Match, else If-Unmodified-Since.
  if (auto im = req.header("If-Match")) {
    if (!etag_list_matches(*im, v.etag, /*strong=*/true)) return 412;
  } else if (auto ius = req.header("If-Unmodified-Since")) {
    auto date = parse_http_date(*ius);
    if (date && v.last_modified && *v.last_modified > *date) return 412;
  }
  // Step 3 / 4: If-None-Match, else If-Modified-Since (GET/HEAD only).
  if (auto inm = req.header("If-None-Match")) {
    if (etag_list_matches(*inm, v.etag, /*strong=*/false)) {
      return is_safe_read(req.method) ? 304 : 412;
    }
  } else if (is_safe_read(req.method)) {
    if (auto ims = req.header("If-Modified-Since")) {
      auto date = parse_http_date(*ims);
      if (date && v.last_modified && *date <= v.now && *v.last_modified <= *date) return 304;
    }
  }
  return 0;
}

bool if_range_allows(const Request& req, const Validators& v) {
  auto ir = req.header("If-Range");
  if (!ir) return true;
  std::string_view value = *ir;
  if (value.empty()) return false;
  if (value.front() == '"' || etag_is_weak(value)) {
    return !v.etag.empty() && etag_strong_equal(value, v.etag);
  }
  auto date = parse_http_date(value);
  return date && v.last_modified && *date == *v.last_modified;
}

void make_not_modified(Response& resp) {
  resp.status = 304;
  resp.clear_body();
  std::string& f = resp.fields;
  size_t r = 0, w = 0;
  while (r < f.size()) {
    size_t eol = f.find("\r\n", r);
    size_t end = eol == std::string::npos ? f.size() : eol + 2;
    std::string_view line(f.data() + r, end - r);
    std::string_view name = line.substr(0, line.find(':'));
    if (keep_on_304(name)) {
      if (w != r) std::copy(f.begin() + r, f.begin() + end, f.begin() + w);
      w += line.size();
    }
    r = end;
  }
  f.resize(w);
}

}  // namespace tern
