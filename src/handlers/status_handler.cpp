#include "handlers/status_handler.h"

#include <string>

#include "handlers/server_header.h"
#include "handlers/status_render.h"
#include "server/build_info.h"

namespace tern {

namespace {

// The Host header's name without a port (or the local address when absent).
std::string_view host_name(const Request& req, const RequestContext& ctx) {
  std::string_view h = req.host;
  if (h.empty()) return ctx.local_ip;
  if (h.front() == '[') {
    size_t close = h.find(']');
    return close == std::string_view::npos ? h : h.substr(0, close + 1);
  }
  size_t colon = h.rfind(':');
  return colon == std::string_view::npos ? h : h.substr(0, colon);
}

}  // namespace

StatusInfo make_status_info(const Config& config) {
  StatusInfo info;
  info.server_version = server_header_value(ServerTokens::kFull);
  info.server_built = server_built();
  info.restart_time_us = status_now_us();
  info.config_generation = 1;
  info.mpm_generation = 0;
  info.server_limit = config.server_limit;
  info.thread_limit = config.thread_limit;
  info.threads_per_child = config.threads_per_child;
  info.extended_status = config.extended_status;
  return info;
}

StatusQuery parse_status_query(std::string_view q) {
  StatusQuery o;
  size_t pos = 0;
  while (pos <= q.size()) {
    size_t end = q.find_first_of("&;", pos);
    if (end == std::string_view::npos) end = q.size();
    std::string_view tok = q.substr(pos, end - pos);
    std::string_view value;
    size_t eq = tok.find('=');
    bool has_value = eq != std::string_view::npos;
    if (has_value) {
      value = tok.substr(eq + 1);
      tok = tok.substr(0, eq);
    }
    if (tok == "auto") {
      o.auto_form = true;
    } else if (tok == "json") {
      o.json = true;
    } else if (tok == "notable") {
      o.no_table = true;
    } else if (tok == "refresh") {
      long n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') break;
        n = n * 10 + (c - '0');
        if (n > 86400) break;
      }
      o.refresh = has_value ? static_cast<int>(n < 1 ? 1 : n > 86400 ? 86400 : n) : 1;
    }
    pos = end + 1;
  }
  return o;
}

StatusHandler::StatusHandler(const Scoreboard& sb, StatusInfo info, StatusForm form,
                             const Handler* errors)
    : sb_(sb), info_(std::move(info)), form_(form), errors_(errors) {}

void StatusHandler::error(int status, const Request* req, const RequestContext& ctx,
                          Response& resp) const {
  if (errors_ != nullptr) {
    errors_->error(status, req, ctx, resp);
    return;
  }
  resp.clear();
  resp.status = status;
  resp.add_header("Content-Type", "text/plain; charset=utf-8");
  resp.append_body(reason_phrase(status));
  resp.append_body("\n");
}

void StatusHandler::handle(const Request& req, const RequestContext& ctx, Response& resp) const {
  resp.clear();
  if (req.method != Method::kGet && req.method != Method::kHead) {
    error(405, &req, ctx, resp);
    resp.remove_header("Allow");
    resp.add_header("Allow", "GET, HEAD");
    return;
  }
  StatusQuery q =
      form_ == StatusForm::kServerStatus ? parse_status_query(req.query) : StatusQuery{};
  bool html = form_ == StatusForm::kServerStatus && !q.auto_form && !q.json;
  bool workers = info_.extended_status && (q.json || (html && !q.no_table));
  StatusSnapshot s = take_snapshot(sb_, info_, workers);
  s.host = host_name(req, ctx);
  s.via = ctx.local_ip;
  if (tls_cache_) s.tls_cache = tls_cache_();
  history_.observe(s);
  std::string body;
  if (form_ == StatusForm::kMetrics) {
    render_status_metrics(s, body);
    resp.add_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  } else if (q.json) {
    render_status_json(s, history_.samples(), body);
    resp.add_header("Content-Type", "application/json");
  } else if (q.auto_form) {
    render_status_auto(s, body);
    resp.add_header("Content-Type", "text/plain; charset=ISO-8859-1");
  } else {
    render_status_html(s, history_.samples(), !q.no_table, body);
    resp.add_header("Content-Type", "text/html; charset=ISO-8859-1");
  }
  if (q.refresh > 0) resp.add_header("Refresh", std::to_string(q.refresh));
  resp.add_header("Cache-Control", "no-cache");
  resp.append_body(body);
}

}  // namespace tern
