// ?auto: the machine-readable form that httpd scrapers read. Keys, order and
// number formats follow httpd 2.4's mod_status (checked against Debian's
// apache2 2.4.71: tests/integration/data/httpd_status_auto.txt).

#include <cstdio>

#include "handlers/status_render.h"

namespace tern {

namespace {

void line(std::string& out, std::string_view key, std::string_view value) {
  out.append(key);
  out.append(": ");
  out.append(value);
  out.push_back('\n');
}

void line(std::string& out, std::string_view key, int64_t value) {
  line(out, key, std::to_string(value));
}

// httpd computes the rates in single precision; so does tern, for the same digits.
std::string fg(float v) {
  return format_g(static_cast<double>(v));
}

}  // namespace

void render_status_auto(const StatusSnapshot& s, std::string& out) {
  const StatusInfo& info = *s.info;
  out.append(s.host);
  out.push_back('\n');
  line(out, "ServerVersion", info.server_version);
  line(out, "ServerMPM", info.mpm);
  line(out, "Server Built", info.server_built);
  line(out, "CurrentTime", format_status_time(s.now_us));
  line(out, "RestartTime", format_status_time(info.restart_time_us));
  line(out, "ParentServerConfigGeneration", s.config_generation);
  line(out, "ParentServerMPMGeneration", s.mpm_generation);
  line(out, "ServerUptimeSeconds", s.uptime_s);
  out.append("ServerUptime:");
  out.append(format_uptime(s.uptime_s));
  out.push_back('\n');
  if (s.load[0] >= 0) {
    char buf[32];
    const char* keys[3] = {"Load1", "Load5", "Load15"};
    for (int i = 0; i < 3; ++i) {
      std::snprintf(buf, sizeof buf, "%.2f", s.load[i]);
      line(out, keys[i], buf);
    }
  }
  if (info.extended_status) {
    uint64_t kb = s.bytes >> 10;
    line(out, "Total Accesses", static_cast<int64_t>(s.accesses));
    line(out, "Total kBytes", static_cast<int64_t>(kb));
    line(out, "Total Duration", static_cast<int64_t>(s.duration_us / 1000));
    line(out, "CPUUser", format_g(s.cpu_user));
    line(out, "CPUSystem", format_g(s.cpu_system));
    line(out, "CPUChildrenUser", format_g(s.cpu_children_user));
    line(out, "CPUChildrenSystem", format_g(s.cpu_children_system));
    double cpu = s.cpu_user + s.cpu_system + s.cpu_children_user + s.cpu_children_system;
    if (cpu > 0 && s.uptime_s > 0) {
      line(out, "CPULoad", format_g(cpu / static_cast<double>(s.uptime_s) * 100.0));
    }
    line(out, "Uptime", s.uptime_s);
    float up = static_cast<float>(s.uptime_s);
    float count = static_cast<float>(s.accesses);
    if (s.uptime_s > 0) {
      line(out, "ReqPerSec", fg(count / up));
      line(out, "BytesPerSec", fg(1024.0f * static_cast<float>(kb) / up));
    }
    if (s.accesses > 0) {
      line(out, "BytesPerReq", fg(1024.0f * static_cast<float>(kb) / count));
      line(out, "DurationPerReq", fg(static_cast<float>(s.duration_us) / count / 1000.0f));
    }
  }
  line(out, "BusyWorkers", s.busy);
  line(out, "GracefulWorkers", s.graceful);
  line(out, "IdleWorkers", s.idle);
  line(out, "Processes", s.processes);
  line(out, "Stopping", s.stopping);
  line(out, "ConnsTotal", s.connections);
  line(out, "ConnsAsyncWaitIO", 0);  // httpd's TLS/h2 wait state; tern has none
  line(out, "ConnsAsyncWriting", s.writing);
  line(out, "ConnsAsyncKeepAlive", s.keep_alive);
  line(out, "ConnsAsyncClosing", s.closing);
  line(out, "Scoreboard", s.scoreboard);
  // tern only, after httpd's keys (scrapers ignore unknown keys).
  line(out, "ConnsAsyncReading", s.reading);
  line(out, "ConnsAsyncParked", s.parked);
  line(out, "ConnsAccepted", static_cast<int64_t>(s.accepted));
  line(out, "StarvationClosed", static_cast<int64_t>(s.starvation_closed));
  line(out, "AcceptErrors", static_cast<int64_t>(s.accept_errors));
  line(out, "AdmissionClosed", static_cast<int64_t>(s.admission_closed));
  if (s.tls_cache) render_tls_cache_auto(*s.tls_cache, out);
}

void render_tls_cache_auto(const TlsCacheStatus& c, std::string& out) {
  auto n = [&](std::string_view key, uint64_t v) { line(out, key, static_cast<int64_t>(v)); };
  // mod_ssl's status hook: a title line, then shmcb's keys in shmcb's order.
  out.append("TLSSessionCacheStatus\n");
  line(out, "CacheType", "SHMCB");
  n("CacheSharedMemory", c.shared_memory);
  n("CacheCurrentEntries", c.entries);
  n("CacheSubcaches", 1);
  n("CacheIndexesPerSubcaches", c.index_slots);
  if (c.has_oldest) {
    line(out, "CacheTimeLeftOldestAvg", c.oldest_left_s);
    line(out, "CacheTimeLeftOldestMin", c.oldest_left_s);
    line(out, "CacheTimeLeftOldestMax", c.oldest_left_s);
  }
  line(out, "CacheIndexUsage", std::to_string(tls_cache_index_pct(c)) + "%");
  line(out, "CacheUsage", std::to_string(tls_cache_data_pct(c)) + "%");
  n("CacheStoreCount", c.stores);
  n("CacheReplaceCount", c.replaces);
  n("CacheExpireCount", c.expired);
  n("CacheDiscardCount", c.discarded);
  n("CacheRetrieveHitCount", c.retrieve_hits);
  n("CacheRetrieveMissCount", c.retrieve_misses);
  n("CacheRemoveHitCount", c.remove_hits);
  n("CacheRemoveMissCount", c.remove_misses);
}

}  // namespace tern
