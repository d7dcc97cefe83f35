// SetHandler metrics: Prometheus text exposition format 0.0.4. Every metric
// family has its HELP and TYPE lines before its samples.

#include <cstdio>

#include "handlers/status_render.h"

namespace tern {

namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, double v) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  char buf[40];
  std::snprintf(buf, sizeof buf, " %.9g\n", v);
  out.append(buf);
}

void sample(std::string& out, std::string_view name, std::string_view labels, int64_t v) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.push_back(' ');
  out.append(std::to_string(v));
  out.push_back('\n');
}

void counter(std::string& out, std::string_view name, std::string_view help, uint64_t v) {
  family(out, name, "counter", help);
  sample(out, name, "", static_cast<int64_t>(v));
}

void gauge(std::string& out, std::string_view name, std::string_view help, int64_t v) {
  family(out, name, "gauge", help);
  sample(out, name, "", v);
}

}  // namespace

void render_status_metrics(const StatusSnapshot& s, std::string& out) {
  const StatusInfo& info = *s.info;
  family(out, "tern_info", "gauge", "Server version and MPM (always 1).");
  std::string labels = "version=";
  append_json_string(labels, info.server_version);  // quotes and escapes as Prometheus wants
  labels += ",mpm=";
  append_json_string(labels, info.mpm);
  sample(out, "tern_info", labels, int64_t{1});
  gauge(out, "tern_start_time_seconds", "Unix time of the last (re)start.",
        info.restart_time_us / 1000000);
  gauge(out, "tern_uptime_seconds", "Seconds since the last (re)start.", s.uptime_s);
  gauge(out, "tern_config_generation", "Configuration generation of the parent.",
        s.config_generation);
  counter(out, "tern_requests_total", "Requests served (all workers, all processes).", s.accesses);
  counter(out, "tern_bytes_total", "Response body bytes sent.", s.bytes);
  family(out, "tern_request_duration_seconds_total", "counter",
         "Sum of the time spent on requests.");
  sample(out, "tern_request_duration_seconds_total", "", static_cast<double>(s.duration_us) / 1e6);
  family(out, "tern_cpu_seconds_total", "counter", "CPU time of the server processes.");
  sample(out, "tern_cpu_seconds_total", "mode=\"user\"", s.cpu_user);
  sample(out, "tern_cpu_seconds_total", "mode=\"system\"", s.cpu_system);
  sample(out, "tern_cpu_seconds_total", "mode=\"children_user\"", s.cpu_children_user);
  sample(out, "tern_cpu_seconds_total", "mode=\"children_system\"", s.cpu_children_system);
  if (s.load[0] >= 0) {
    family(out, "tern_load_average", "gauge", "System load averages (getloadavg).");
    sample(out, "tern_load_average", "period=\"1m\"", s.load[0]);
    sample(out, "tern_load_average", "period=\"5m\"", s.load[1]);
    sample(out, "tern_load_average", "period=\"15m\"", s.load[2]);
  }
  family(out, "tern_workers", "gauge", "Worker threads by state.");
  sample(out, "tern_workers", "state=\"busy\"", int64_t{s.busy});
  sample(out, "tern_workers", "state=\"idle\"", int64_t{s.idle});
  sample(out, "tern_workers", "state=\"graceful\"", int64_t{s.graceful});
  gauge(out, "tern_processes", "Child processes running.", s.processes);
  gauge(out, "tern_processes_stopping", "Child processes stopping.", s.stopping);
  gauge(out, "tern_connections_total_open", "Open connections.", s.connections);
  family(out, "tern_connections", "gauge", "Connections held by the listener, by state.");
  sample(out, "tern_connections", "state=\"reading\"", s.reading);
  sample(out, "tern_connections", "state=\"parked\"", s.parked);
  sample(out, "tern_connections", "state=\"writing\"", s.writing);
  sample(out, "tern_connections", "state=\"keepalive\"", s.keep_alive);
  sample(out, "tern_connections", "state=\"closing\"", s.closing);
  counter(out, "tern_connections_accepted_total", "Connections accepted.", s.accepted);
  counter(out, "tern_starvation_closed_total",
          "Keep-alive connections closed early because every worker was busy.",
          s.starvation_closed);
  counter(out, "tern_accept_errors_total",
          "accept() calls that failed for want of descriptors or memory (EMFILE, ENFILE, "
          "ENOBUFS, ENOMEM).",
          s.accept_errors);
  counter(out, "tern_admission_closed_total",
          "Times a process stopped accepting at its AsyncRequestWorkerFactor limit.",
          s.admission_closed);
  family(out, "tern_scoreboard_slots", "gauge", "Scoreboard worker slots by status key.");
  static const struct {
    char key;
    const char* name;
  } kKeys[] = {{'_', "waiting"},  {'S', "starting"},     {'R', "reading"},
               {'W', "sending"},  {'K', "keepalive"},    {'L', "logging"},
               {'G', "graceful"}, {'I', "idle_cleanup"}, {'.', "open"}};
  for (const auto& k : kKeys) {
    int64_t n = 0;
    for (char c : s.scoreboard) n += c == k.key;
    sample(out, "tern_scoreboard_slots", std::string("state=\"") + k.name + "\"", n);
  }
  if (const auto& c = s.tls_cache) {
    gauge(out, "tern_tls_session_cache_entries", "TLS sessions held in SSLSessionCache.",
          static_cast<int64_t>(c->entries));
    gauge(out, "tern_tls_session_cache_bytes_used", "Bytes of SSLSessionCache's data area in use.",
          static_cast<int64_t>(c->data_used));
    gauge(out, "tern_tls_session_cache_bytes", "Size of SSLSessionCache's data area.",
          static_cast<int64_t>(c->data_bytes));
    counter(out, "tern_tls_session_cache_stores_total", "Sessions stored.", c->stores);
    counter(out, "tern_tls_session_cache_expired_total", "Sessions expired.", c->expired);
    counter(out, "tern_tls_session_cache_discarded_total",
            "Sessions scrolled out of the cache before they expired.", c->discarded);
    family(out, "tern_tls_session_cache_retrieves_total", "counter",
           "Session lookups for resumption, by result.");
    sample(out, "tern_tls_session_cache_retrieves_total", "result=\"hit\"",
           static_cast<int64_t>(c->retrieve_hits));
    sample(out, "tern_tls_session_cache_retrieves_total", "result=\"miss\"",
           static_cast<int64_t>(c->retrieve_misses));
  }
}

}  // namespace tern
