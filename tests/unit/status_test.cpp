#include <unistd.h>

#include <atomic>
#include <ctime>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "handlers/status_handler.h"
#include "handlers/status_history.h"
#include "handlers/status_model.h"
#include "handlers/status_render.h"
#include "server/build_info.h"

namespace tern {
namespace {

TEST(StatusFormat, AprStyleG) {
  // Values seen in Debian's apache2 ?auto output.
  EXPECT_EQ(format_g(0), "0");
  EXPECT_EQ(format_g(1), "1");
  EXPECT_EQ(format_g(0.01), ".01");
  EXPECT_EQ(format_g(10.0 / 26), ".384615");
  EXPECT_EQ(format_g(354.4615385), "354.462");
  EXPECT_EQ(format_g(921.6), "921.6");
  EXPECT_EQ(format_g(1.0 / 26), ".0384615");
  EXPECT_EQ(format_g(0.0769231, 3), ".0769");
  EXPECT_EQ(format_g(0.423, 3), ".423");
  EXPECT_EQ(format_g(100), "100");
  EXPECT_EQ(format_g(123456), "123456");
  EXPECT_EQ(format_g(0.0001), ".0001");
  EXPECT_EQ(format_g(0.00001234), "1.234e-05");
  EXPECT_EQ(format_g(12345678), "12345700");  // APR switches to E-form later than C
  EXPECT_EQ(format_g(-2.5), "-2.5");
  EXPECT_EQ(format_g(1.5, 0), "2");
}

TEST(StatusFormat, Uptime) {
  EXPECT_EQ(format_uptime(0), "");
  EXPECT_EQ(format_uptime(1), " 1 second");
  EXPECT_EQ(format_uptime(26), " 26 seconds");
  EXPECT_EQ(format_uptime(86400 + 7200 + 60 + 5), " 1 day 2 hours 1 minute 5 seconds");
  EXPECT_EQ(format_uptime(3 * 86400), " 3 days");
}

TEST(StatusFormat, BuildTimeAndClock) {
  EXPECT_EQ(iso_build_time("Nov 12 2026", "08:58:41"), "2026-11-12T08:58:41");
  EXPECT_EQ(iso_build_time("Jan  3 2025", "00:00:01"), "2025-01-03T00:00:01");
  EXPECT_EQ(iso_build_time("bad", "x"), "bad x");
  std::string t = format_status_time(0);
  EXPECT_NE(t.find("1970"), std::string::npos);
  EXPECT_GT(status_now_us(), int64_t{1600000000} * 1000000);
}

TEST(StatusFormat, ProcessCpu) {
  double cpu[4] = {-1, -1, -1, -1};
  EXPECT_TRUE(read_process_cpu(::getpid(), cpu));
  for (double c : cpu) EXPECT_GE(c, 0);
  EXPECT_FALSE(read_process_cpu(999999999, cpu));
}

TEST(StatusFormat, ThreadCpuIsTheThreadsOwn) {
  // A thread that burns 0.6 s of its own CPU shows at least 0.2 s of it (the kernel's
  // per-thread times are tick-sampled, and a loaded machine slices the burner finely);
  // a thread started at the same time that only sleeps shows less. (Not this thread: in
  // a whole test run it has run every earlier test.)
  std::atomic<pid_t> burner{0};
  std::atomic<pid_t> sleeper{0};
  std::atomic<bool> measured{false};
  std::thread t([&] {
    timespec ts{};
    do {
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    } while (ts.tv_sec == 0 && ts.tv_nsec < 600'000'000);
    burner = ::gettid();
    while (!measured.load()) std::this_thread::yield();
  });
  std::thread s([&] {
    sleeper = ::gettid();
    while (!measured.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  while (burner.load() == 0 || sleeper.load() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  double busy[4] = {0, 0, 0, 0};
  double idle[4] = {0, 0, 0, 0};
  EXPECT_TRUE(read_thread_cpu(::getpid(), burner.load(), busy));
  EXPECT_TRUE(read_thread_cpu(::getpid(), sleeper.load(), idle));
  measured = true;
  t.join();
  s.join();
  EXPECT_GE(busy[0] + busy[1], 0.2);
  EXPECT_LT(idle[0] + idle[1], busy[0] + busy[1]);
  EXPECT_FALSE(read_thread_cpu(::getpid(), 999999999, busy));
}

TEST(StatusQueryTest, Parses) {
  StatusQuery q = parse_status_query("auto&refresh=5");
  EXPECT_TRUE(q.auto_form);
  EXPECT_FALSE(q.json);
  EXPECT_EQ(q.refresh, 5);
  q = parse_status_query("refresh");
  EXPECT_EQ(q.refresh, 1);
  q = parse_status_query("refresh=0;json;notable");
  EXPECT_EQ(q.refresh, 1);
  EXPECT_TRUE(q.json);
  EXPECT_TRUE(q.no_table);
  q = parse_status_query("refresh=99999999999");
  EXPECT_EQ(q.refresh, 86400);
  q = parse_status_query("automatic=1&x");
  EXPECT_FALSE(q.auto_form);
  EXPECT_EQ(q.refresh, 0);
  q = parse_status_query("");
  EXPECT_FALSE(q.auto_form || q.json || q.no_table);
}

TEST(StatusJson, Escapes) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\r\t\x01\xe9", 10));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u00e9\"");
}

TEST(StatusHistoryTest, RingKeepsNewestAndRates) {
  StatusHistory h(3, 1000);
  StatusSnapshot s;
  for (int i = 0; i < 5; ++i) {
    s.now_us = 10000 + i * 1000000;
    s.accesses = static_cast<uint64_t>(i) * 10;
    s.keep_alive = i;
    h.observe(s);
    s.now_us += 10;  // inside the interval: ignored
    s.accesses += 1000;
    h.observe(s);
  }
  auto v = h.samples();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].keep_alive, 2);
  EXPECT_EQ(v[2].keep_alive, 4);
  EXPECT_NEAR(v[2].req_per_sec, 10.0, 0.01);
  StatusHistory empty;
  EXPECT_TRUE(empty.samples().empty());
  EXPECT_EQ(empty.interval_us(), 5000000);
}

class StatusSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    sb = Scoreboard::create(2, 4, "", &err);
    ASSERT_TRUE(sb) << err;
    info.server_version = "tern/9 (Unix)";
    info.server_built = "2026-01-01T00:00:00";
    info.restart_time_us = status_now_us() - 10 * 1000000;
    info.server_limit = 2;
    info.thread_limit = 4;
    ProcessScore& p = sb->process(0);
    p.pid = ::getpid();
    p.keep_alive = 3;
    p.writing = 2;
    p.reading = 1;
    p.closing = 4;
    p.connections = 11;
    p.quiescing = static_cast<uint8_t>(Quiescing::kOldGeneration);
    sb->worker(0, 0).status = '_';
    sb->worker(0, 1).status = 'W';
    sb->worker(0, 2).status = 'G';
    sb->worker(0, 3).status = '_';
    sb->worker(0, 1).accesses = 5;
    sb->worker(0, 1).bytes = 4096;
    sb->worker(0, 1).duration_total_us = 5000;
    sb->worker(0, 1).set_request("1.2.3.4", "HTTP/1.1", "v<h>", "GET /<script> HTTP/1.1", "GET");
    sb->worker(1, 0).accesses = 2;  // a slot whose process left: counted, not shown busy
  }
  std::unique_ptr<Scoreboard> sb;
  StatusInfo info;
};

TEST_F(StatusSnapshotTest, Counts) {
  StatusSnapshot s = take_snapshot(*sb, info, true);
  EXPECT_EQ(s.processes, 1);
  EXPECT_EQ(s.stopping, 1);
  EXPECT_EQ(s.busy, 1);
  EXPECT_EQ(s.graceful, 1);
  EXPECT_EQ(s.idle, 2);
  EXPECT_EQ(s.accesses, 7u);
  EXPECT_EQ(s.keep_alive, 3);
  EXPECT_EQ(s.writing, 2);
  EXPECT_EQ(s.reading, 1);
  EXPECT_EQ(s.closing, 4);
  EXPECT_EQ(s.scoreboard, "_WG_....");
  EXPECT_GE(s.uptime_s, 9);
  ASSERT_EQ(s.workers.size(), 3u);  // W, G, and the dead slot that served requests
  EXPECT_EQ(s.workers[0].request, "GET /<script> HTTP/1.1");
  EXPECT_TRUE(take_snapshot(*sb, info, false).workers.empty());
  EXPECT_EQ(s.config_generation, 1u);
  EXPECT_EQ(s.mpm_generation, 0u);
  sb->global().generation = 3;  // after three graceful restarts
  s = take_snapshot(*sb, info, false);
  EXPECT_EQ(s.config_generation, 4u);
  EXPECT_EQ(s.mpm_generation, 3u);
}

TEST_F(StatusSnapshotTest, AutoForm) {
  StatusSnapshot s = take_snapshot(*sb, info, false);
  s.host = "example";
  std::string out;
  render_status_auto(s, out);
  EXPECT_EQ(out.rfind("example\nServerVersion: tern/9 (Unix)\nServerMPM: event\n", 0), 0u) << out;
  EXPECT_NE(out.find("\nTotal Accesses: 7\nTotal kBytes: 4\nTotal Duration: 5\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\nBusyWorkers: 1\nGracefulWorkers: 1\nIdleWorkers: 2\nProcesses: 1\n"
                     "Stopping: 1\nConnsTotal: 11\nConnsAsyncWaitIO: 0\nConnsAsyncWriting: 2\n"
                     "ConnsAsyncKeepAlive: 3\nConnsAsyncClosing: 4\nScoreboard: _WG_....\n"
                     "ConnsAsyncReading: 1\n"),
            std::string::npos)
      << out;
  info.extended_status = false;
  out.clear();
  render_status_auto(s, out);
  EXPECT_EQ(out.find("Total Accesses"), std::string::npos);
  EXPECT_EQ(out.find("ReqPerSec"), std::string::npos);
}

TEST_F(StatusSnapshotTest, HtmlEscapesAndShowsTables) {
  StatusSnapshot s = take_snapshot(*sb, info, true);
  s.host = "<h>";
  s.via = "127.0.0.1";
  std::string out;
  render_status_html(s, {}, true, out);
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_EQ(out.find("<h>"), std::string::npos);
  EXPECT_NE(out.find("GET /&lt;script&gt; HTTP/1.1"), std::string::npos);
  EXPECT_NE(out.find("v&lt;h&gt;"), std::string::npos);
  EXPECT_NE(out.find("yes (old gen)"), std::string::npos);
  EXPECT_NE(out.find("<td>Sum</td>"), std::string::npos);
  EXPECT_NE(out.find("The chart fills"), std::string::npos);
  StatusHistory h(60, 0);
  for (int i = 0; i < 3; ++i) {
    s.now_us += 1000000;
    h.observe(s);
  }
  std::string charted;
  render_status_html(s, h.samples(), false, charted);
  EXPECT_NE(charted.find("<polyline"), std::string::npos);
  EXPECT_EQ(charted.find("class=\"workers\""), std::string::npos);  // ?notable
  EXPECT_EQ(charted.find("class=\"procs\""), std::string::npos);
}

TEST_F(StatusSnapshotTest, JsonAndMetrics) {
  StatusSnapshot s = take_snapshot(*sb, info, true);
  std::string json;
  render_status_json(s, {}, json);
  EXPECT_EQ(json.front(), '{');
  EXPECT_NE(json.find("\"connections\":{\"total\":11,\"reading\":1,\"writing\":2,"
                      "\"keep_alive\":3,\"closing\":4"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"request\":\"GET /<script> HTTP/1.1\""), std::string::npos);
  EXPECT_NE(json.find("\"stopping\":\"old_generation\""), std::string::npos);
  EXPECT_EQ(json.find(",,"), std::string::npos);
  EXPECT_EQ(json.find(",}"), std::string::npos);
  EXPECT_EQ(json.find(",]"), std::string::npos);
  std::string m;
  render_status_metrics(s, m);
  EXPECT_NE(m.find("# HELP tern_requests_total "), std::string::npos);
  EXPECT_LT(m.find("# TYPE tern_requests_total counter"), m.find("\ntern_requests_total 7\n"));
  EXPECT_NE(m.find("tern_workers{state=\"graceful\"} 1\n"), std::string::npos);
  EXPECT_NE(m.find("tern_connections{state=\"closing\"} 4\n"), std::string::npos);
  EXPECT_NE(m.find("tern_scoreboard_slots{state=\"open\"} 4\n"), std::string::npos);
}

TEST_F(StatusSnapshotTest, LimitCountersInEveryForm) {
  ProcessScore& p = sb->process(0);
  p.accepted = 40;
  p.starvation_closed = 3;
  p.accept_errors = 17;
  p.admission_closed = 2;
  StatusSnapshot s = take_snapshot(*sb, info, true);
  EXPECT_EQ(s.accept_errors, 17u);
  EXPECT_EQ(s.admission_closed, 2u);
  std::string a;
  render_status_auto(s, a);
  // tern's keys come after httpd's (Scoreboard is httpd's last).
  EXPECT_NE(a.find("\nStarvationClosed: 3\nAcceptErrors: 17\nAdmissionClosed: 2\n"),
            std::string::npos)
      << a;
  EXPECT_LT(a.find("\nScoreboard: "), a.find("\nAcceptErrors: "));
  std::string json;
  render_status_json(s, {}, json);
  EXPECT_NE(json.find("\"starvation_closed\":3,\"accept_errors\":17,\"admission_closed\":2}"),
            std::string::npos)
      << json;
  std::string m;
  render_status_metrics(s, m);
  EXPECT_NE(m.find("# TYPE tern_accept_errors_total counter\ntern_accept_errors_total 17\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("# TYPE tern_admission_closed_total counter\ntern_admission_closed_total 2\n"),
            std::string::npos)
      << m;
  std::string html;
  render_status_html(s, {}, true, html);
  EXPECT_NE(html.find("<dt>40 connections accepted - 17 failed accepts (descriptors or memory) - "
                      "2 admission closes - 3 keep-alive connections closed on starvation</dt>"),
            std::string::npos)
      << html;
}

// mod_ssl's status hook: SSLSessionCache's figures in every form, in shmcb's words; no
// section without a cache.
TEST_F(StatusSnapshotTest, TlsSessionCacheInEveryForm) {
  StatusSnapshot s = take_snapshot(*sb, info, true);
  std::string none;
  render_status_auto(s, none);
  render_status_html(s, {}, true, none);
  render_status_json(s, {}, none);
  render_status_metrics(s, none);
  EXPECT_EQ(none.find("TLSSessionCache"), std::string::npos);
  EXPECT_EQ(none.find("Session Cache"), std::string::npos);
  EXPECT_EQ(none.find("tls_session_cache"), std::string::npos);
  TlsCacheStatus c;
  c.shared_memory = 512000;
  c.entries = 6;
  c.index_used = 7;
  c.index_slots = 200;
  c.data_used = 1000;
  c.data_bytes = 3000;
  c.has_oldest = true;
  c.oldest_left_s = 286;
  c.stores = 9;
  c.replaces = 1;
  c.expired = 2;
  c.discarded = 3;
  c.retrieve_hits = 4;
  c.retrieve_misses = 5;
  c.remove_hits = 6;
  c.remove_misses = 8;
  s.tls_cache = c;
  std::string a;
  render_status_auto(s, a);
  EXPECT_NE(a.find("\nAdmissionClosed: 0\nTLSSessionCacheStatus\nCacheType: SHMCB\n"
                   "CacheSharedMemory: 512000\nCacheCurrentEntries: 6\nCacheSubcaches: 1\n"
                   "CacheIndexesPerSubcaches: 200\nCacheTimeLeftOldestAvg: 286\n"
                   "CacheTimeLeftOldestMin: 286\nCacheTimeLeftOldestMax: 286\n"
                   "CacheIndexUsage: 3%\nCacheUsage: 33%\nCacheStoreCount: 9\n"
                   "CacheReplaceCount: 1\nCacheExpireCount: 2\nCacheDiscardCount: 3\n"
                   "CacheRetrieveHitCount: 4\nCacheRetrieveMissCount: 5\n"
                   "CacheRemoveHitCount: 6\nCacheRemoveMissCount: 8\n"),
            std::string::npos)
      << a;
  std::string html;
  render_status_html(s, {}, false, html);
  EXPECT_NE(html.find("SSL/TLS Session Cache Status:"), std::string::npos) << html;
  EXPECT_NE(html.find("time left on oldest entries' objects: avg: <b>286</b> seconds, (range: "
                      "286...286)<br>index usage: <b>3%</b>, cache usage: <b>33%</b><br>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("total retrieves since starting: <b>4</b> hit, <b>5</b> miss<br>"),
            std::string::npos)
      << html;
  EXPECT_LT(html.find("Session Cache"), html.find("</body>"));
  std::string json;
  render_status_json(s, {}, json);
  EXPECT_NE(json.find("\"tls_session_cache\":{\"shared_memory\":512000,\"entries\":6,"),
            std::string::npos)
      << json;
  EXPECT_EQ(json.find(",}"), std::string::npos);
  std::string m;
  render_status_metrics(s, m);
  EXPECT_NE(m.find("tern_tls_session_cache_retrieves_total{result=\"miss\"} 5\n"),
            std::string::npos)
      << m;
  // An empty cache has no oldest entry: the time-left keys are left out, as shmcb does.
  s.tls_cache->has_oldest = false;
  a.clear();
  render_status_auto(s, a);
  EXPECT_EQ(a.find("CacheTimeLeftOldest"), std::string::npos) << a;
}

TEST_F(StatusSnapshotTest, HandlerForms) {
  StatusHandler h(*sb, info, StatusForm::kServerStatus);
  Request req;
  req.method = Method::kGet;
  req.host = "example.org:8080";
  req.query = "auto&refresh=2";
  RequestContext ctx;
  Response resp;
  h.handle(req, ctx, resp);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.header("Refresh"), "2");
  EXPECT_EQ(resp.body_mem.rfind("example.org\n", 0), 0u);
  req.query = "json";
  req.host = "[::1]:80";
  h.handle(req, ctx, resp);
  EXPECT_EQ(resp.header("Content-Type"), "application/json");
  EXPECT_NE(resp.body_mem.find("\"host\":\"[::1]\""), std::string::npos);
  EXPECT_EQ(h.history().samples().size(), 1u);
  req.method = Method::kPost;
  h.handle(req, ctx, resp);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(resp.header("Allow"), "GET, HEAD");
  StatusHandler metrics(*sb, info, StatusForm::kMetrics);
  req.method = Method::kHead;
  req.host = "";
  ctx.local_ip = "10.0.0.1";
  metrics.handle(req, ctx, resp);
  EXPECT_EQ(resp.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(resp.body_mem.find("tern_processes 1"), std::string::npos);
}

TEST(StatusInfoTest, FromConfig) {
  Config c;
  c.extended_status = false;
  c.threads_per_child = 7;
  StatusInfo i = make_status_info(c);
  EXPECT_FALSE(i.extended_status);
  EXPECT_EQ(i.threads_per_child, 7);
  EXPECT_EQ(i.mpm, "event");
  EXPECT_EQ(i.server_version.rfind("tern/", 0), 0u);
  EXPECT_EQ(i.server_built.size(), 19u);
  EXPECT_EQ(i.config_generation, 1u);
}

}  // namespace
}  // namespace tern
