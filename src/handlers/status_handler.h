#pragma once
// `SetHandler server-status` and `SetHandler metrics`: the scoreboard as httpd's
// status page (HTML, ?auto), as JSON (?json) and as Prometheus metrics.

#include <functional>
#include <optional>
#include <string_view>

#include "config/config.h"
#include "handlers/status_history.h"
#include "handlers/status_model.h"
#include "http/handler.h"
#include "server/scoreboard.h"

namespace tern {

// Which handler name an instance serves.
enum class StatusForm {
  kServerStatus,  // HTML; ?auto, ?json, ?refresh=N, ?notable
  kMetrics,       // Prometheus text format
};

// The options a server-status query string selects (httpd's: substrings of the query).
struct StatusQuery {
  bool auto_form = false;  // "auto"
  bool json = false;       // "json" (tern)
  bool no_table = false;   // "notable": HTML without tables
  int refresh = 0;         // "refresh" (1) or "refresh=N" (N ≥ 1); 0 = no Refresh header
};

// The server-wide facts from `config`: full version, build time, limits, ExtendedStatus,
// restart time = now, generation 1 (httpd's numbering after start-up).
StatusInfo make_status_info(const Config& config);

// Parses a server-status query string ("auto&refresh=5").
StatusQuery parse_status_query(std::string_view query);

// Serves the status forms from a scoreboard. Thread-safe; the history is locked.
class StatusHandler : public Handler {
 public:
  // `sb` (read only) and `errors` (renders 405 for other methods; may be null) must
  // outlive the handler.
  StatusHandler(const Scoreboard& sb, StatusInfo info, StatusForm form,
                const Handler* errors = nullptr);

  void handle(const Request& req, const RequestContext& ctx, Response& resp) const override;
  void error(int status, const Request* req, const RequestContext& ctx,
             Response& resp) const override;

  // The samples behind the chart.
  const StatusHistory& history() const { return history_; }

  // Where the SSL/TLS session cache section's figures come from (mod_ssl's status hook);
  // unset or returning nullopt: no section. Set before the handler serves.
  using TlsCacheSource = std::function<std::optional<TlsCacheStatus>()>;
  void set_tls_cache_source(TlsCacheSource source) { tls_cache_ = std::move(source); }

 private:
  const Scoreboard& sb_;
  StatusInfo info_;
  StatusForm form_;
  const Handler* errors_;
  mutable StatusHistory history_;
  TlsCacheSource tls_cache_;
};

}  // namespace tern
