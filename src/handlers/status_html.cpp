// The HTML status page: httpd's mod_status content (header facts, the event
// MPM's per-process connection table, the scoreboard grid and key, the
// ExtendedStatus worker table) plus an inline SVG chart of the recent history.
// Every string a client can influence (Host, request lines, vhosts) is escaped.

#include <algorithm>
#include <cstdio>

#include "handlers/error_page.h"
#include "handlers/status_render.h"

namespace tern {

namespace {

constexpr double kKB = 1024.0, kMB = 1024.0 * 1024, kGB = kMB * 1024;

std::string printf_str(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// httpd's format_byte_out.
std::string bytes_out(double b) {
  if (b < 5 * kKB) return std::to_string(static_cast<int64_t>(b)) + " B";
  if (b < kMB / 2) return printf_str("%.1f kB", b / kKB);
  if (b < kGB / 2) return printf_str("%.1f MB", b / kMB);
  return printf_str("%.1f GB", b / kGB);
}

// httpd's format_kbyte_out.
std::string kbytes_out(uint64_t kb) {
  if (kb < 1024) return std::to_string(kb) + " kB";
  if (kb < 1024 * 1024) return printf_str("%.1f MB", static_cast<double>(kb) / kKB);
  return printf_str("%.1f GB", static_cast<double>(kb) / kMB);
}

void esc(std::string& out, std::string_view s) {
  append_html_escaped(out, s);
}

void td(std::string& out, std::string_view v) {
  out.append("<td>").append(v).append("</td>");
}

void td(std::string& out, int64_t v) {
  td(out, std::to_string(v));
}

const char* stopping_text(Quiescing q) {
  switch (q) {
    case Quiescing::kNo:
      return "no";
    case Quiescing::kYes:
      return "yes";
    case Quiescing::kOldGeneration:
      return "yes (old gen)";
  }
  return "no";
}

void header_facts(const StatusSnapshot& s, std::string& out) {
  const StatusInfo& info = *s.info;
  out.append("<dl><dt>Server Version: ");
  esc(out, info.server_version);
  out.append("</dt>\n<dt>Server MPM: ").append(info.mpm).append("</dt>\n<dt>Server Built: ");
  out.append(info.server_built).append("</dt></dl><hr /><dl>\n");
  out.append("<dt>Current Time: ").append(format_status_time(s.now_us)).append("</dt>\n");
  out.append("<dt>Restart Time: ").append(format_status_time(info.restart_time_us));
  out.append("</dt>\n<dt>Parent Server Config. Generation: ");
  out.append(std::to_string(s.config_generation));
  out.append("</dt>\n<dt>Parent Server MPM Generation: ");
  out.append(std::to_string(s.mpm_generation)).append("</dt>\n");
  out.append("<dt>Server uptime: ").append(format_uptime(s.uptime_s)).append("</dt>\n");
  if (s.load[0] >= 0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "<dt>Server load: %.2f %.2f %.2f</dt>\n", s.load[0], s.load[1],
                  s.load[2]);
    out.append(buf);
  }
  if (info.extended_status) {
    uint64_t kb = s.bytes >> 10;
    out.append("<dt>Total accesses: ").append(std::to_string(s.accesses));
    out.append(" - Total Traffic: ").append(kbytes_out(kb));
    out.append(" - Total Duration: ").append(std::to_string(s.duration_us / 1000));
    out.append("</dt>\n<dt>CPU Usage: u").append(format_g(s.cpu_user));
    out.append(" s").append(format_g(s.cpu_system));
    out.append(" cu").append(format_g(s.cpu_children_user));
    out.append(" cs").append(format_g(s.cpu_children_system));
    double cpu = s.cpu_user + s.cpu_system + s.cpu_children_user + s.cpu_children_system;
    if (cpu > 0 && s.uptime_s > 0) {
      out.append(" - ").append(format_g(cpu / static_cast<double>(s.uptime_s) * 100.0, 3));
      out.append("% CPU load");
    }
    out.append("</dt>\n<dt>");
    float up = static_cast<float>(s.uptime_s);
    float count = static_cast<float>(s.accesses);
    if (s.uptime_s > 0) {
      out.append(format_g(static_cast<double>(count / up), 3)).append(" requests/sec - ");
      out.append(bytes_out(static_cast<double>(1024.0f * static_cast<float>(kb) / up)));
      out.append("/second");
    }
    if (s.accesses > 0) {
      out.append(" - ");
      out.append(bytes_out(static_cast<double>(1024.0f * static_cast<float>(kb) / count)));
      out.append("/request - ");
      out.append(format_g(static_cast<double>(static_cast<float>(s.duration_us) / count / 1000)));
      out.append(" ms/request");
    }
    out.append("</dt>\n");
  }
  out.append("<dt>").append(std::to_string(s.busy)).append(" requests currently being processed, ");
  out.append(std::to_string(s.graceful)).append(" workers gracefully restarting, ");
  out.append(std::to_string(s.idle)).append(" idle workers</dt>\n");
  // tern's limits (README "Limits in the error log and in server-status").
  out.append("<dt>").append(std::to_string(s.accepted)).append(" connections accepted - ");
  out.append(std::to_string(s.accept_errors)).append(" failed accepts (descriptors or memory) - ");
  out.append(std::to_string(s.admission_closed)).append(" admission closes - ");
  out.append(std::to_string(s.starvation_closed));
  out.append(" keep-alive connections closed on starvation</dt>\n</dl>\n");
}

void process_table(const StatusSnapshot& s, std::string& out) {
  out.append(
      "<table class=\"procs\">\n<tr><th rowspan=\"2\">Slot</th><th rowspan=\"2\">PID</th>"
      "<th rowspan=\"2\">Stopping</th><th colspan=\"2\">Connections</th>\n"
      "<th colspan=\"3\">Threads</th><th colspan=\"5\">Async connections</th></tr>\n"
      "<tr><th>total</th><th>accepting</th><th>busy</th><th>graceful</th><th>idle</th>"
      "<th>writing</th><th>keep-alive</th><th>closing</th><th>reading</th><th>parked</th></tr>\n");
  for (const ProcessRow& p : s.procs) {
    out.append("<tr>");
    td(out, p.slot);
    td(out, static_cast<int64_t>(p.pid));
    td(out, stopping_text(p.quiescing));
    td(out, p.connections);
    td(out, p.accepting ? "yes" : "no");
    td(out, p.busy);
    td(out, p.graceful);
    td(out, p.idle);
    td(out, p.writing);
    td(out, p.keep_alive);
    td(out, p.closing);
    td(out, p.reading);
    td(out, p.parked);
    out.append("</tr>\n");
  }
  out.append("<tr class=\"sum\">");
  td(out, "Sum");
  td(out, s.processes);
  td(out, s.stopping);
  td(out, s.connections);
  td(out, "&nbsp;");
  td(out, s.busy);
  td(out, s.graceful);
  td(out, s.idle);
  td(out, s.writing);
  td(out, s.keep_alive);
  td(out, s.closing);
  td(out, s.reading);
  td(out, s.parked);
  out.append("</tr>\n</table>\n");
}

void scoreboard_grid(const StatusSnapshot& s, std::string& out) {
  out.append("<pre class=\"grid\">");
  for (size_t i = 0; i < s.scoreboard.size(); ++i) {
    if (i > 0 && i % 64 == 0) out.push_back('\n');
    out.push_back(s.scoreboard[i]);
  }
  out.append(
      "</pre>\n<p>Scoreboard Key:<br />\n"
      "\"<b><code>_</code></b>\" Waiting for Connection, \n"
      "\"<b><code>S</code></b>\" Starting up, \n"
      "\"<b><code>R</code></b>\" Reading Request,<br />\n"
      "\"<b><code>W</code></b>\" Sending Reply, \n"
      "\"<b><code>K</code></b>\" Keepalive (read), \n"
      "\"<b><code>D</code></b>\" DNS Lookup,<br />\n"
      "\"<b><code>C</code></b>\" Closing connection, \n"
      "\"<b><code>L</code></b>\" Logging, \n"
      "\"<b><code>G</code></b>\" Gracefully finishing,<br /> \n"
      "\"<b><code>I</code></b>\" Idle cleanup of worker, \n"
      "\"<b><code>.</code></b>\" Open slot with no current process<br />\n</p>\n");
}

void worker_table(const StatusSnapshot& s, std::string& out) {
  out.append(
      "<table class=\"workers\"><tr><th>Srv</th><th>PID</th><th>Acc</th><th>M</th>"
      "<th>CPU</th><th>SS</th><th>Req</th><th>Dur</th><th>Conn</th><th>Child</th>"
      "<th>Slot</th><th>Client</th><th>Protocol</th><th>VHost</th><th>Request</th></tr>\n");
  char buf[64];
  for (const WorkerRow& w : s.workers) {
    out.append("<tr><td><b>").append(std::to_string(w.slot)).append("-");
    out.append(std::to_string(w.generation)).append("</b></td>");
    td(out, static_cast<int64_t>(w.pid));
    std::snprintf(buf, sizeof buf, "%llu/%llu/%llu", static_cast<unsigned long long>(w.conn_count),
                  static_cast<unsigned long long>(w.accesses),
                  static_cast<unsigned long long>(w.accesses));
    td(out, buf);
    if (w.status == '_') {
      td(out, "_");
    } else {
      out.append("<td><b>").push_back(w.status);
      out.append("</b></td>");
    }
    td(out, printf_str("%.2f", w.cpu_seconds));
    int64_t ss = w.last_start_us > 0 ? (s.now_us - w.last_start_us) / 1000000 : 0;
    td(out, ss < 0 ? 0 : ss);
    td(out, w.last_duration_us / 1000);
    td(out, static_cast<int64_t>(w.duration_total_us / 1000));
    td(out, printf_str("%.1f", static_cast<double>(w.conn_bytes) / kKB));
    td(out, printf_str("%.2f", static_cast<double>(w.bytes) / kMB));
    td(out, printf_str("%.2f", static_cast<double>(w.bytes) / kMB));
    out.append("<td>");
    esc(out, w.client);
    out.append("</td><td>");
    std::string proto = w.protocol;
    for (char& c : proto) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    esc(out, proto);
    out.append("</td><td nowrap>");
    esc(out, w.vhost);
    out.append("</td><td nowrap>");
    esc(out, w.request);
    out.append("</td></tr>\n");
  }
  out.append(
      "</table>\n<hr /> <table>\n"
      "<tr><th>Srv</th><td>Child Server number - generation</td></tr>\n"
      "<tr><th>PID</th><td>OS process ID</td></tr>\n"
      "<tr><th>Acc</th><td>Number of accesses this connection / this child / this slot</td></tr>\n"
      "<tr><th>M</th><td>Mode of operation</td></tr>\n"
      "<tr><th>CPU</th><td>CPU usage, number of seconds</td></tr>\n"
      "<tr><th>SS</th><td>Seconds since beginning of most recent request</td></tr>\n"
      "<tr><th>Req</th><td>Milliseconds required to process most recent request</td></tr>\n"
      "<tr><th>Dur</th><td>Sum of milliseconds required to process all requests</td></tr>\n"
      "<tr><th>Conn</th><td>Kilobytes transferred this connection</td></tr>\n"
      "<tr><th>Child</th><td>Megabytes transferred this child</td></tr>\n"
      "<tr><th>Slot</th><td>Total megabytes transferred this slot</td></tr>\n"
      "</table>\n");
}

// One polyline of `values` in a W×H plot area at (x0, y0) scaled to `max`.
void polyline(std::string& out, const std::vector<double>& values, double max, const char* color,
              int x0, int y0, int w, int h) {
  out.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color);
  out.append("\" points=\"");
  size_t n = values.size();
  for (size_t i = 0; i < n; ++i) {
    double x =
        x0 +
        (n == 1 ? w : static_cast<double>(w) * static_cast<double>(i) / static_cast<double>(n - 1));
    double y = y0 + h - (max > 0 ? values[i] / max * h : 0);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", i ? " " : "", x, y);
    out.append(buf);
  }
  out.append("\"/>\n");
}

void chart(const std::vector<HistorySample>& history, std::string& out) {
  constexpr int kW = 300, kH = 100, kTop = 20, kLeft = 40;
  out.append("<h2>Recent activity</h2>\n");
  if (history.size() < 2) {
    out.append(
        "<p class=\"note\">The chart fills as this page is viewed: one sample per 5 seconds "
        "(at most 60). Try <code>?refresh=5</code>.</p>\n");
  }
  struct Series {
    const char* name;
    const char* color;
    std::vector<double> v;
  };
  std::vector<double> rps;
  Series conns[4] = {{"reading", "#d62728", {}},
                     {"writing", "#1f77b4", {}},
                     {"keep-alive", "#2ca02c", {}},
                     {"closing", "#9467bd", {}}};
  double rmax = 0, cmax = 0;
  for (const HistorySample& h : history) {
    rps.push_back(h.req_per_sec);
    rmax = std::max(rmax, h.req_per_sec);
    const int64_t vals[4] = {h.reading, h.writing, h.keep_alive, h.closing};
    for (int i = 0; i < 4; ++i) {
      conns[i].v.push_back(static_cast<double>(vals[i]));
      cmax = std::max(cmax, static_cast<double>(vals[i]));
    }
  }
  double span_s = history.size() >= 2
                      ? static_cast<double>(history.back().time_us - history.front().time_us) / 1e6
                      : 0;
  auto panel = [&](const char* title, double max, auto&& draw) {
    out.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"380\" ");
    out.append("height=\"150\" role=\"img\" aria-label=\"").append(title).append("\">\n");
    out.append("<text x=\"40\" y=\"13\" font-size=\"12\">").append(title).append("</text>\n");
    char buf[1024];
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
                  "stroke=\"#bbb\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"10\" "
                  "text-anchor=\"end\">%s</text>\n<text x=\"%d\" y=\"%d\" font-size=\"10\" "
                  "text-anchor=\"end\">0</text>\n<text x=\"%d\" y=\"%d\" font-size=\"10\">"
                  "-%.0f s</text><text x=\"%d\" y=\"%d\" font-size=\"10\" "
                  "text-anchor=\"end\">now</text>\n",
                  kLeft, kTop, kW, kH, kLeft - 3, kTop + 9, format_g(max, 3).c_str(), kLeft - 3,
                  kTop + kH, kLeft, kTop + kH + 12, span_s, kLeft + kW, kTop + kH + 12);
    out.append(buf);
    draw();
    out.append("</svg>\n");
  };
  panel("Requests per second", rmax, [&] {
    if (rps.size() >= 2) polyline(out, rps, rmax, "#ff7f0e", kLeft, kTop, kW, kH);
  });
  panel("Connections by state", cmax, [&] {
    int lx = kLeft + 115;
    for (const Series& c : conns) {
      if (c.v.size() >= 2) polyline(out, c.v, cmax, c.color, kLeft, kTop, kW, kH);
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%d\" y=\"5\" width=\"8\" height=\"8\" fill=\"%s\"/>"
                    "<text x=\"%d\" y=\"13\" font-size=\"10\">%s</text>\n",
                    lx, c.color, lx + 10, c.name);
      out.append(buf);
      lx += 58;
    }
  });
}

// mod_ssl's status hook, in its words: the shared session cache.
void tls_cache_section(const TlsCacheStatus& c, std::string& out) {
  auto b = [&](uint64_t v) { out.append("<b>").append(std::to_string(v)).append("</b>"); };
  out.append("<hr>\n<h2>SSL/TLS Session Cache Status:</h2>\n<p>cache type: <b>SHMCB</b>, ");
  out.append("shared memory: ");
  b(c.shared_memory);
  out.append(" bytes, current entries: ");
  b(c.entries);
  out.append("<br>subcaches: <b>1</b>, indexes per subcache: ");
  b(c.index_slots);
  out.append("<br>");
  if (c.has_oldest) {
    const std::string left = std::to_string(c.oldest_left_s);
    out.append("time left on oldest entries' objects: avg: <b>" + left +
               "</b> seconds, (range: " + left + "..." + left + ")<br>");
  }
  out.append("index usage: <b>" + std::to_string(tls_cache_index_pct(c)) +
             "%</b>, cache usage: <b>" + std::to_string(tls_cache_data_pct(c)) + "%</b><br>");
  out.append("total entries stored since starting: ");
  b(c.stores);
  out.append("<br>total entries replaced since starting: ");
  b(c.replaces);
  out.append("<br>total entries expired since starting: ");
  b(c.expired);
  out.append("<br>total (pre-expiry) entries scrolled out of the cache: ");
  b(c.discarded);
  out.append("<br>total retrieves since starting: ");
  b(c.retrieve_hits);
  out.append(" hit, ");
  b(c.retrieve_misses);
  out.append(" miss<br>total removes since starting: ");
  b(c.remove_hits);
  out.append(" hit, ");
  b(c.remove_misses);
  out.append(" miss</p>\n");
}

}  // namespace

void render_status_html(const StatusSnapshot& s, const std::vector<HistorySample>& history,
                        bool tables, std::string& out) {
  out.append(
      "<!DOCTYPE html>\n<html lang=\"en\"><head>\n<meta charset=\"ISO-8859-1\">\n"
      "<title>tern Status</title>\n<style>\n"
      "body{font-family:sans-serif;font-size:14px;margin:1em 2em}\n"
      "table{border-collapse:collapse;margin:0.5em 0}\n"
      "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;font-size:13px}\n"
      "th{background:#eee}\ntr.sum td{font-weight:bold}\n"
      "pre.grid{font-size:13px;line-height:1.2}\nsvg.chart{margin-right:1em}\n"
      ".note{color:#666}\n</style>\n</head><body>\n<h1>tern Server Status for ");
  esc(out, s.host);
  out.append(" (via ");
  esc(out, s.via);
  out.append(")</h1>\n\n");
  header_facts(s, out);
  chart(history, out);
  if (tables) process_table(s, out);
  scoreboard_grid(s, out);
  if (tables && s.info->extended_status) worker_table(s, out);
  if (s.tls_cache) tls_cache_section(*s.tls_cache, out);
  out.append("</body></html>\n");
}

}  // namespace tern
