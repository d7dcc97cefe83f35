#include "modules/cgi/cgi_redirect.h"

namespace tern {

RedirectRequest::RedirectRequest(const Request& req, const RequestContext& ctx)
    : method_(req.method_name),
      target_(req.target),
      path_(req.path),
      query_(req.query),
      host_(req.host),
      line_(req.request_line),
      client_ip_(ctx.client_ip),
      local_ip_(ctx.local_ip),
      scheme_(ctx.scheme) {
  fields_.reserve(req.headers.size());
  for (const HeaderField& f : req.headers) fields_.emplace_back(f.name, f.value);
  orig_ = req;
  orig_.method_name = method_;
  orig_.target = target_;
  orig_.path = path_;
  orig_.query = query_;
  orig_.host = host_;
  orig_.request_line = line_;
  orig_.headers.clear();
  for (const auto& [n, v] : fields_) orig_.headers.push_back({n, v});
  ctx_ = ctx;
  ctx_.client_ip = client_ip_;
  ctx_.local_ip = local_ip_;
  ctx_.scheme = scheme_;
}

const Request& RedirectRequest::make_get(std::string_view location) {
  redirect_target_.assign(location);
  get_ = orig_;
  get_.method = Method::kGet;
  get_.method_name = "GET";
  std::string_view t = redirect_target_;
  get_.target = t;
  size_t q = t.find('?');
  get_.path = t.substr(0, q);
  get_.has_query = q != std::string_view::npos;
  get_.query = get_.has_query ? t.substr(q + 1) : std::string_view();
  get_.content_length.reset();
  get_.chunked = false;
  get_.expect_continue = false;
  get_.headers.clear();
  for (const HeaderField& f : orig_.headers) {
    if (iequals(f.name, "Content-Length") || iequals(f.name, "Transfer-Encoding")) continue;
    get_.headers.push_back(f);
  }
  return get_;
}

}  // namespace tern
