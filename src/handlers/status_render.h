#pragma once
// server-status renderers: one form each, all from the same snapshot.

#include <string>
#include <vector>

#include "handlers/status_history.h"
#include "handlers/status_model.h"

namespace tern {

// httpd's ?auto text (same keys, order and number formats; tern-only keys last).
void render_status_auto(const StatusSnapshot& s, std::string& out);
// The HTML page (httpd's content plus an inline SVG chart of `history`); `tables`
// false renders httpd's ?notable form (lists instead of tables).
void render_status_html(const StatusSnapshot& s, const std::vector<HistorySample>& history,
                        bool tables, std::string& out);
// ?json: one JSON document with totals, processes, workers and history.
void render_status_json(const StatusSnapshot& s, const std::vector<HistorySample>& history,
                        std::string& out);
// Prometheus text exposition format 0.0.4.
void render_status_metrics(const StatusSnapshot& s, std::string& out);

// mod_ssl's session cache section of ?auto ("TLSSessionCacheStatus" and shmcb's keys).
void render_tls_cache_auto(const TlsCacheStatus& c, std::string& out);

// Appends `text` as a JSON string literal (quotes included) to `out`.
void append_json_string(std::string& out, std::string_view text);

}  // namespace tern
