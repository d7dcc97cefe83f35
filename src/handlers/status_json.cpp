// ?json: the snapshot as one JSON document (tern; httpd has no such form).

#include <cstdio>

#include "handlers/status_render.h"

namespace tern {

namespace {

// A tiny writer that places the commas; keys are trusted literals.
class Json {
 public:
  explicit Json(std::string& out) : out_(out) {}
  void open(std::string_view key, char bracket) {
    sep(key);
    out_.push_back(bracket);
    first_ = true;
  }
  void close(char bracket) {
    out_.push_back(bracket);
    first_ = false;
  }
  void str(std::string_view key, std::string_view v) {
    sep(key);
    append_json_string(out_, v);
  }
  void num(std::string_view key, int64_t v) {
    sep(key);
    out_.append(std::to_string(v));
  }
  void num(std::string_view key, uint64_t v) {
    sep(key);
    out_.append(std::to_string(v));
  }
  void num(std::string_view key, int v) { num(key, static_cast<int64_t>(v)); }
  void num(std::string_view key, uint32_t v) { num(key, static_cast<uint64_t>(v)); }
  void real(std::string_view key, double v) {
    sep(key);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    out_.append(buf);
  }
  void boolean(std::string_view key, bool v) {
    sep(key);
    out_.append(v ? "true" : "false");
  }

 private:
  void sep(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    if (!key.empty()) {
      append_json_string(out_, key);
      out_.push_back(':');
    }
  }
  std::string& out_;
  bool first_ = true;
};

const char* quiescing_name(Quiescing q) {
  switch (q) {
    case Quiescing::kNo:
      return "no";
    case Quiescing::kYes:
      return "yes";
    case Quiescing::kOldGeneration:
      return "old_generation";
  }
  return "no";
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          // Bytes from the wire are not necessarily UTF-8: escape every non-ASCII
          // byte as its Latin-1 code point so the document stays valid.
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void render_status_json(const StatusSnapshot& s, const std::vector<HistorySample>& history,
                        std::string& out) {
  const StatusInfo& info = *s.info;
  Json j(out);
  j.open("", '{');
  j.str("host", s.host);
  j.str("server_version", info.server_version);
  j.str("server_mpm", info.mpm);
  j.str("server_built", info.server_built);
  j.num("current_time_us", s.now_us);
  j.num("restart_time_us", info.restart_time_us);
  j.num("config_generation", s.config_generation);
  j.num("mpm_generation", s.mpm_generation);
  j.num("uptime_seconds", s.uptime_s);
  j.open("load", '[');
  for (double l : s.load) j.real("", l);
  j.close(']');
  j.boolean("extended_status", info.extended_status);
  j.num("total_accesses", s.accesses);
  j.num("total_bytes", s.bytes);
  j.num("total_duration_ms", s.duration_us / 1000);
  j.open("cpu", '{');
  j.real("user", s.cpu_user);
  j.real("system", s.cpu_system);
  j.real("children_user", s.cpu_children_user);
  j.real("children_system", s.cpu_children_system);
  j.close('}');
  double up = s.uptime_s > 0 ? static_cast<double>(s.uptime_s) : 0;
  double count = static_cast<double>(s.accesses);
  j.real("requests_per_second", up > 0 ? count / up : 0);
  j.real("bytes_per_second", up > 0 ? static_cast<double>(s.bytes) / up : 0);
  j.real("bytes_per_request", count > 0 ? static_cast<double>(s.bytes) / count : 0);
  j.real("ms_per_request", count > 0 ? static_cast<double>(s.duration_us) / count / 1000 : 0);
  j.open("workers", '{');
  j.num("busy", s.busy);
  j.num("graceful", s.graceful);
  j.num("idle", s.idle);
  j.close('}');
  j.num("processes", s.processes);
  j.num("stopping", s.stopping);
  j.open("connections", '{');
  j.num("total", s.connections);
  j.num("reading", s.reading);
  j.num("writing", s.writing);
  j.num("keep_alive", s.keep_alive);
  j.num("closing", s.closing);
  j.num("parked", s.parked);
  j.num("accepted", s.accepted);
  j.num("starvation_closed", s.starvation_closed);
  j.num("accept_errors", s.accept_errors);
  j.num("admission_closed", s.admission_closed);
  j.close('}');
  j.str("scoreboard", s.scoreboard);
  j.open("process_table", '[');
  for (const ProcessRow& p : s.procs) {
    j.open("", '{');
    j.num("slot", p.slot);
    j.num("pid", static_cast<int64_t>(p.pid));
    j.num("generation", p.generation);
    j.str("stopping", quiescing_name(p.quiescing));
    j.boolean("accepting", p.accepting);
    j.num("connections", p.connections);
    j.num("busy", p.busy);
    j.num("graceful", p.graceful);
    j.num("idle", p.idle);
    j.num("reading", p.reading);
    j.num("writing", p.writing);
    j.num("keep_alive", p.keep_alive);
    j.num("closing", p.closing);
    j.num("parked", p.parked);
    j.num("accepted", p.accepted);
    j.num("starvation_closed", p.starvation_closed);
    j.num("accept_errors", p.accept_errors);
    j.num("admission_closed", p.admission_closed);
    j.num("start_time_us", p.start_time_us);
    j.real("cpu_user", p.cpu_user);
    j.real("cpu_system", p.cpu_system);
    j.close('}');
  }
  j.close(']');
  j.open("worker_table", '[');
  for (const WorkerRow& w : s.workers) {
    j.open("", '{');
    j.num("slot", w.slot);
    j.num("thread", w.thread);
    j.num("pid", static_cast<int64_t>(w.pid));
    j.num("generation", w.generation);
    j.str("status", std::string_view(&w.status, 1));
    j.num("accesses", w.accesses);
    j.num("bytes", w.bytes);
    j.num("conn_requests", w.conn_count);
    j.num("conn_bytes", w.conn_bytes);
    j.num("last_start_us", w.last_start_us);
    j.num("last_duration_us", w.last_duration_us);
    j.num("duration_total_us", w.duration_total_us);
    j.real("cpu_seconds", w.cpu_seconds);
    j.str("client", w.client);
    j.str("protocol", w.protocol);
    j.str("vhost", w.vhost);
    j.str("request", w.request);
    j.close('}');
  }
  j.close(']');
  if (s.tls_cache) {
    const TlsCacheStatus& c = *s.tls_cache;
    j.open("tls_session_cache", '{');
    j.num("shared_memory", c.shared_memory);
    j.num("entries", c.entries);
    j.num("index_used", c.index_used);
    j.num("index_slots", c.index_slots);
    j.num("data_used", c.data_used);
    j.num("data_bytes", c.data_bytes);
    if (c.has_oldest) j.num("oldest_seconds_left", c.oldest_left_s);
    j.num("stores", c.stores);
    j.num("replaces", c.replaces);
    j.num("expired", c.expired);
    j.num("discarded", c.discarded);
    j.num("retrieve_hits", c.retrieve_hits);
    j.num("retrieve_misses", c.retrieve_misses);
    j.num("remove_hits", c.remove_hits);
    j.num("remove_misses", c.remove_misses);
    j.close('}');
  }
  j.open("history", '[');
  for (const HistorySample& h : history) {
    j.open("", '{');
    j.num("time_us", h.time_us);
    j.num("accesses", h.accesses);
    j.real("requests_per_second", h.req_per_sec);
    j.num("busy", h.busy);
    j.num("reading", h.reading);
    j.num("writing", h.writing);
    j.num("keep_alive", h.keep_alive);
    j.num("closing", h.closing);
    j.close('}');
  }
  j.close(']');
  j.close('}');
  out.push_back('\n');
}

}  // namespace tern
