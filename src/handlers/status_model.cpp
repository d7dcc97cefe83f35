#include "handlers/status_model.h"

#include <sys/time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>

namespace tern {

namespace {

bool is_busy(char c) {
  // httpd: everything but ready, dead (open), starting and idle-kill is busy;
  // gracefully finishing workers are counted on their own.
  return c != '_' && c != '.' && c != 'S' && c != 'I' && c != 'G';
}

}  // namespace

int64_t status_now_us() {
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
}

namespace {

// Parses utime..cstime of a /proc stat file into seconds.
bool read_stat_cpu(const char* path, double out[4]) {
  std::ifstream in(path);
  if (!in) return false;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return false;
  // After the command name: state is field 3; utime..cstime are fields 14..17.
  const char* p = text.c_str() + paren + 1;
  static const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (int field = 3; field <= 17; ++field) {
    while (*p == ' ') ++p;
    if (*p == '\0') return false;
    char* end = nullptr;
    long long v = std::strtoll(p, &end, 10);
    if (field >= 14) out[field - 14] = static_cast<double>(v) / (tick > 0 ? tick : 100.0);
    while (*p != ' ' && *p != '\0') ++p;
  }
  return true;
}

}  // namespace

bool read_process_cpu(pid_t pid, double out[4]) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  return read_stat_cpu(path, out);
}

bool read_thread_cpu(pid_t pid, pid_t tid, double out[4]) {
  char path[96];
  std::snprintf(path, sizeof path, "/proc/%d/task/%d/stat", static_cast<int>(pid),
                static_cast<int>(tid));
  return read_stat_cpu(path, out);
}

std::string format_g(double v, int precision) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf");
  if (precision < 1) precision = 1;
  if (v == 0) return "0";
  std::string out;
  if (v < 0) {
    out.push_back('-');
    v = -v;
  }
  // Digits and decimal point position as ecvt gives them.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
  std::string digits;
  const char* p = buf;
  for (; *p != 'e' && *p != '\0'; ++p) {
    if (*p >= '0' && *p <= '9') digits.push_back(*p);
  }
  int decpt = (*p == 'e' ? std::atoi(p + 1) : 0) + 1;
  int ndigit = precision;
  while (ndigit > 1 && digits[static_cast<size_t>(ndigit) - 1] == '0') --ndigit;
  if ((decpt >= 0 && decpt - ndigit > 4) || (decpt < 0 && decpt < -3)) {
    int e = decpt - 1;
    out.push_back(digits[0]);
    out.push_back('.');
    out.append(digits, 1, static_cast<size_t>(ndigit) - 1);
    out.push_back('e');
    out.push_back(e < 0 ? '-' : '+');
    if (e < 0) e = -e;
    if (e / 100 > 0) out.push_back(static_cast<char>('0' + e / 100));
    out.push_back(static_cast<char>('0' + (e % 100) / 10));
    out.push_back(static_cast<char>('0' + e % 10));
  } else {
    if (decpt <= 0) {
      out.push_back('.');
      for (int i = decpt; i < 0; ++i) out.push_back('0');
    }
    for (int i = 1; i <= ndigit; ++i) {
      out.push_back(digits[static_cast<size_t>(i) - 1]);
      if (i == decpt) out.push_back('.');
    }
    for (int i = ndigit; i < decpt; ++i) out.push_back('0');
    if (ndigit < decpt) out.push_back('.');
  }
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string format_status_time(int64_t unix_us) {
  time_t t = static_cast<time_t>(unix_us / 1000000);
  tm local{};
  ::localtime_r(&t, &local);
  char buf[96];
  size_t n = std::strftime(buf, sizeof buf, "%A, %d-%b-%Y %H:%M:%S %Z", &local);
  return std::string(buf, n);
}

std::string format_uptime(int64_t s) {
  std::string out;
  auto part = [&out](int64_t n, const char* unit) {
    if (n == 0) return;
    out += ' ' + std::to_string(n) + ' ' + unit;
    if (n != 1) out.push_back('s');
  };
  part(s / 86400, "day");
  part(s / 3600 % 24, "hour");
  part(s / 60 % 60, "minute");
  part(s % 60, "second");
  return out;
}

StatusSnapshot take_snapshot(const Scoreboard& sb, const StatusInfo& info, bool with_workers) {
  StatusSnapshot s;
  s.info = &info;
  s.now_us = status_now_us();
  int64_t restart = info.restart_time_us;
  s.uptime_s = restart > 0 && s.now_us > restart ? (s.now_us - restart) / 1000000 : 0;
  uint32_t gen = sb.global().generation.load(std::memory_order_relaxed);
  s.mpm_generation = gen != 0 ? gen : info.mpm_generation;
  s.config_generation = gen != 0 ? gen + 1 : info.config_generation;
  double loads[3];
  if (::getloadavg(loads, 3) == 3) {
    for (int i = 0; i < 3; ++i) s.load[i] = loads[i];
  }
  const int slots = sb.server_limit();
  const int threads = sb.thread_limit();
  s.scoreboard.reserve(static_cast<size_t>(slots) * static_cast<size_t>(threads));
  for (int i = 0; i < slots; ++i) {
    const ProcessScore& ps = sb.process(i);
    pid_t pid = ps.pid.load(std::memory_order_relaxed);
    ProcessRow row;
    row.slot = i;
    row.pid = pid;
    row.generation = ps.generation.load(std::memory_order_relaxed);
    if (pid != 0) {
      row.quiescing = static_cast<Quiescing>(ps.quiescing.load(std::memory_order_relaxed));
      row.accepting = !ps.not_accepting.load(std::memory_order_relaxed);
      row.connections = ps.connections.load(std::memory_order_relaxed);
      row.writing = ps.writing.load(std::memory_order_relaxed);
      row.keep_alive = ps.keep_alive.load(std::memory_order_relaxed);
      row.closing = ps.closing.load(std::memory_order_relaxed);
      row.reading = ps.reading.load(std::memory_order_relaxed);
      row.parked = ps.parked.load(std::memory_order_relaxed);
      row.accepted = ps.accepted.load(std::memory_order_relaxed);
      row.starvation_closed = ps.starvation_closed.load(std::memory_order_relaxed);
      row.accept_errors = ps.accept_errors.load(std::memory_order_relaxed);
      row.admission_closed = ps.admission_closed.load(std::memory_order_relaxed);
      row.start_time_us = ps.start_time_us.load(std::memory_order_relaxed);
      double cpu[4] = {0, 0, 0, 0};
      if (read_process_cpu(pid, cpu)) {
        row.cpu_user = cpu[0];
        row.cpu_system = cpu[1];
      }
    }
    for (int t = 0; t < threads; ++t) {
      const WorkerScore& w = sb.worker(i, t);
      char st = pid == 0 ? '.' : w.status.load(std::memory_order_relaxed);
      s.scoreboard.push_back(st);
      // Lifetime counters stay with the slot (as httpd's), even after the process left.
      uint64_t acc = w.accesses.load(std::memory_order_relaxed);
      s.accesses += acc;
      s.bytes += w.bytes.load(std::memory_order_relaxed);
      s.duration_us += w.duration_total_us.load(std::memory_order_relaxed);
      if (pid != 0) {
        if (st == '_') {
          row.idle++;
        } else if (st == 'G') {
          row.graceful++;
        } else if (is_busy(st)) {
          row.busy++;
        }
      }
      if (!with_workers || (acc == 0 && !is_busy(st) && st != 'G')) continue;
      WorkerRow wr;
      wr.slot = i;
      wr.thread = t;
      wr.pid = pid;
      wr.generation = row.generation;
      wr.status = st;
      wr.accesses = acc;
      wr.bytes = w.bytes.load(std::memory_order_relaxed);
      wr.conn_count = w.conn_count.load(std::memory_order_relaxed);
      wr.conn_bytes = w.conn_bytes.load(std::memory_order_relaxed);
      wr.last_start_us = w.last_start_us.load(std::memory_order_relaxed);
      wr.last_duration_us = w.last_duration_us.load(std::memory_order_relaxed);
      wr.duration_total_us = w.duration_total_us.load(std::memory_order_relaxed);
      double tcpu[4] = {0, 0, 0, 0};
      pid_t tid = w.tid.load(std::memory_order_relaxed);
      wr.cpu_seconds = tid != 0 && read_thread_cpu(pid, tid, tcpu) ? tcpu[0] + tcpu[1]
                                                                   : row.cpu_user + row.cpu_system;
      w.read_request(wr.client, wr.protocol, wr.vhost, wr.request, wr.method);
      s.workers.push_back(std::move(wr));
    }
    if (pid == 0) continue;
    s.processes++;
    if (row.quiescing != Quiescing::kNo) s.stopping++;
    s.busy += row.busy;
    s.graceful += row.graceful;
    s.idle += row.idle;
    s.connections += row.connections;
    s.writing += row.writing;
    s.keep_alive += row.keep_alive;
    s.closing += row.closing;
    s.reading += row.reading;
    s.parked += row.parked;
    s.accepted += row.accepted;
    s.starvation_closed += row.starvation_closed;
    s.accept_errors += row.accept_errors;
    s.admission_closed += row.admission_closed;
    s.cpu_user += row.cpu_user;
    s.cpu_system += row.cpu_system;
    s.procs.push_back(row);
  }
  // Children's times are those of the process that reaps the children (the parent).
  pid_t parent = sb.global().parent_pid.load(std::memory_order_relaxed);
  double cpu[4] = {0, 0, 0, 0};
  if (read_process_cpu(parent != 0 ? parent : ::getpid(), cpu)) {
    s.cpu_children_user = cpu[2];
    s.cpu_children_system = cpu[3];
    if (parent != 0 && s.procs.empty()) {
      s.cpu_user = cpu[0];
      s.cpu_system = cpu[1];
    }
  }
  return s;
}

int tls_cache_index_pct(const TlsCacheStatus& c) {
  return c.index_slots == 0 ? 0 : static_cast<int>(c.index_used * 100 / c.index_slots);
}

int tls_cache_data_pct(const TlsCacheStatus& c) {
  return c.data_bytes == 0 ? 0 : static_cast<int>(c.data_used * 100 / c.data_bytes);
}

}  // namespace tern
