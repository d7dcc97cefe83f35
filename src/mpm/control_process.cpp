#include "mpm/control_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <string>

#include "log/error_log.h"
#include "modules/ssl/ocsp_fetcher.h"
#include "mpm/child.h"
#include "mpm/clock.h"
#include "mpm/signals.h"
#include "mpm/spawn_policy.h"
#include "net/socket.h"
#include "server/listen_notice.h"
#include "server/pid_file.h"
#include "server/privileges.h"
#include "server/scoreboard.h"
#include "server/server_root.h"
#include "server/tls_ports.h"
#include "server/tls_sessions.h"

namespace tern {

namespace {

constexpr int64_t kTickMs = 100;            // how often children are reaped
constexpr int64_t kMaintenanceMs = 1000;    // idle-server maintenance period
constexpr int64_t kStopGraceMs = 3000;      // SIGTERM → SIGKILL for stubborn children
constexpr int64_t kShortGraceMs = 3000;     // stop: in-flight work may finish this long
constexpr int64_t kStartupWindowMs = 2000;  // a non-zero exit this early is a start-up failure

const char* kMod = "mpm_event";

std::string listen_key(const ListenSpec& l) {
  return l.host + "|" + std::to_string(l.port);
}

void sleep_ms(int64_t ms) {
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  ::nanosleep(&ts, nullptr);  // a signal cuts it short
}

// What the parent knows about one scoreboard slot.
struct SlotInfo {
  pid_t pid = 0;
  uint32_t generation = 0;
  int64_t forked_ms = 0;
  bool stop_sent = false;  // the parent asked it to stop (not to be replaced)
};

// Everything one configuration generation needs.
struct Generation {
  std::shared_ptr<const Config> config;
  std::unique_ptr<ServerRoot> root;  // what its children serve with
  Identity identity;
};

class Control {
 public:
  Control(const LoadOptions& opts, std::vector<UniqueFd> sockets,
          std::shared_ptr<const Config> config)
      : opts_(opts) {
    for (size_t i = 0; i < sockets.size() && i < config->listens.size(); ++i) {
      sockets_[listen_key(config->listens[i])] = std::move(sockets[i]);
    }
    first_config_ = std::move(config);
  }

  int run();

 private:
  bool prepare(std::shared_ptr<const Config> config, Generation* out, std::string* err);
  void apply(Generation g);
  bool reload();
  void spawn(int slot);
  int spawn_many(int n);
  void reap(bool replace);
  void on_exit(int slot, int status);
  void maintenance(int64_t now);
  void signal_children(int sig, Quiescing mark);
  bool wait_children(int64_t timeout_ms);
  int live_children() const;
  int active_children() const;
  const Config& cfg() const { return *gen_.config; }

  LoadOptions opts_;
  std::shared_ptr<const Config> first_config_;
  std::map<std::string, UniqueFd> sockets_;
  std::vector<int> fds_;
  Generation gen_;
  std::unique_ptr<Scoreboard> sb_;
  // TLS session cache and ticket keys: made before the first fork, kept across generations.
  TlsSessions tls_sessions_;
  // OCSP stapling: responses fetched here, between ticks, never inside a handshake.
  ssl::OcspFetcher stapler_;
  std::vector<SlotInfo> slots_;
  uint32_t generation_ = 0;
  int spawn_rate_ = 1;
  int startup_failures_ = 0;
  int64_t spawn_hold_until_ = 0;
  int pending_respawns_ = 0;
  bool shutting_down_ = false;
  bool stop_pending_ = false;  // SIGTERM arrived while waiting for children
  bool reported_max_workers_ = false;
};

bool Control::prepare(std::shared_ptr<const Config> config, Generation* out, std::string* err) {
  const Config& c = *config;
  std::map<std::string, UniqueFd> fresh;
  for (const auto& l : c.listens) {
    std::string key = listen_key(l);
    if (sockets_.count(key) || fresh.count(key)) continue;
    std::string e;
    UniqueFd fd = open_listen_socket(l.host, static_cast<uint16_t>(l.port), c.listen_backlog, &e);
    if (!fd) {
      *err = l.file + ":" + std::to_string(l.line) + ": Listen: " + e;
      return false;
    }
    fresh[key] = std::move(fd);
  }
  if (!resolve_identity(c.user, c.group, &out->identity, err)) return false;
  if (!ErrorLog::open(c.error_log, c.log_level, err)) return false;
  out->root = ServerRoot::build(config, *sb_, err, &tls_sessions_);
  if (!out->root) return false;
  for (auto& [k, fd] : fresh) sockets_[k] = std::move(fd);
  // Sockets no longer configured are closed here; old children keep their copies.
  std::map<std::string, UniqueFd> kept;
  fds_.clear();
  for (const auto& l : c.listens) {
    std::string key = listen_key(l);
    auto it = sockets_.find(key);
    if (it == sockets_.end()) continue;  // duplicate Listen already taken
    fds_.push_back(it->second.get());
    kept[key] = std::move(it->second);
    sockets_.erase(it);
  }
  sockets_ = std::move(kept);
  out->config = std::move(config);
  return true;
}

void Control::apply(Generation g) {
  gen_ = std::move(g);
  if (const TlsPorts* tls = gen_.root->tls())
    stapler_.set_targets(tls->stapling_targets(), tls->stapling_cache());
  else
    stapler_.set_targets({}, nullptr);
  // AcceptFilter, on every listen socket (kept ones too: a reload may change it), by the
  // protocol of its Listen (fds_ follows config->listens).
  const std::vector<ListenSpec>& listens = gen_.config->listens;
  for (size_t i = 0; i < fds_.size(); ++i) {
    set_defer_accept(fds_[i],
                     gen_.config->defers_accept(i < listens.size() ? listens[i].protocol : "http"));
  }
  ++generation_;
  sb_->global().generation = generation_ - 1;  // httpd counts restarts: 0 at first start
  // The root's status handlers (children inherit them) report this restart time.
  sb_->global().restart_time_us = gen_.root->restart_time_us();
  spawn_rate_ = 1;
  reported_max_workers_ = false;
}

bool Control::reload() {
  LoadResult r = load_config(opts_);
  if (!r.config) {
    // Every error of the tree, each FILE:LINE, as -t prints them.
    for (const std::string& e : r.errors.empty() ? std::vector<std::string>{r.error} : r.errors)
      ErrorLog::printf(LogLevel::kError, kMod,
                       "configuration error on restart, keeping the old configuration: %s",
                       e.c_str());
    return false;
  }
  std::vector<std::string> warnings;
  auto fitted = fit_to_scoreboard(r.config, sb_->server_limit(), sb_->thread_limit(), &warnings);
  Generation g;
  std::string err;
  if (!prepare(fitted, &g, &err)) {
    ErrorLog::printf(LogLevel::kError, kMod,
                     "could not apply the new configuration, keeping the old one: %s", err.c_str());
    // A failed ErrorLog::open changed nothing; reopen the old files for rotation.
    ErrorLog::reopen(nullptr);
    gen_.root->reopen_logs(nullptr);
    return false;
  }
  for (const auto& w : r.config->warnings) ErrorLog::write(LogLevel::kWarn, kMod, w);
  for (const auto& w : warnings) ErrorLog::write(LogLevel::kWarn, kMod, w);
  apply(std::move(g));
  return true;
}

void Control::spawn(int slot) {
  const Config& c = cfg();
  sb_->reset_process(slot);
  ProcessScore& ps = sb_->process(slot);
  ps.generation = generation_ - 1;  // as the global generation: 0 first
  int threads = std::min(c.threads_per_child, sb_->thread_limit());
  for (int t = 0; t < threads; ++t) {
    sb_->worker(slot, t).status = static_cast<char>(WorkerStatus::kStarting);
  }
  // Signals stay blocked across the fork so that one sent to the new pid before
  // the child installed its own handlers is held, not run by the parent's.
  sigset_t all, old;
  sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, &old);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid != 0) ::sigprocmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    ErrorLog::printf(LogLevel::kError, kMod, "fork: unable to fork new process: %s",
                     std::strerror(errno));
    sb_->reset_process(slot);
    spawn_hold_until_ = monotonic_ms() + 10000;
    return;
  }
  if (pid == 0) {
    stapler_.close_sockets_in_child();
    install_child_signals();
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    std::string err;
    if (!drop_privileges(gen_.identity, &err)) {
      ErrorLog::printf(LogLevel::kAlert, kMod, "%s", err.c_str());
      ::_exit(2);
    }
    // A child must not outlive its control process (killed with SIGKILL, say):
    // it would keep serving an orphaned scoreboard and its listen sockets.
    // Set after drop_privileges, which clears the parent-death signal.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(0);  // the parent died before prctl
    int rc = run_child(c, gen_.root->ports(fds_), *sb_, slot, true);
    ::_exit(rc);
  }
  ps.pid = pid;
  slots_[static_cast<size_t>(slot)] = SlotInfo{pid, generation_, monotonic_ms(), false};
  ErrorLog::printf(LogLevel::kInfo, kMod, "child pid %d started (slot %d, generation %u)",
                   static_cast<int>(pid), slot, generation_);
}

int Control::spawn_many(int n) {
  int done = 0;
  for (size_t s = 0; s < slots_.size() && done < n; ++s) {
    if (slots_[s].pid != 0) continue;
    spawn(static_cast<int>(s));
    if (slots_[s].pid != 0) ++done;
  }
  return done;
}

int Control::live_children() const {
  return static_cast<int>(
      std::count_if(slots_.begin(), slots_.end(), [](const SlotInfo& s) { return s.pid != 0; }));
}

int Control::active_children() const {
  int n = 0;
  for (size_t s = 0; s < slots_.size(); ++s) {
    const SlotInfo& si = slots_[s];
    if (si.pid == 0 || si.stop_sent || si.generation != generation_) continue;
    if (sb_->process(static_cast<int>(s)).quiescing.load() != 0) continue;
    ++n;
  }
  return n;
}

void Control::on_exit(int slot, int status) {
  SlotInfo si = slots_[static_cast<size_t>(slot)];
  ProcessScore& ps = sb_->process(slot);
  bool self_stopped = ps.quiescing.load() != 0;  // MaxConnectionsPerChild
  bool started = ps.start_time_us.load() != 0;
  int64_t lived = monotonic_ms() - si.forked_ms;
  slots_[static_cast<size_t>(slot)] = SlotInfo{};
  sb_->reset_process(slot);
  bool expected = si.stop_sent || shutting_down_;
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    ErrorLog::printf(expected ? LogLevel::kInfo : LogLevel::kError, kMod,
                     "child pid %d exit signal %s (%d)%s", static_cast<int>(si.pid), strsignal(sig),
                     sig, WCOREDUMP(status) ? ", possible coredump" : "");
  } else {
    int code = WEXITSTATUS(status);
    ErrorLog::printf(code != 0 && !expected ? LogLevel::kError : LogLevel::kInfo, kMod,
                     "child pid %d (generation %u) exited with status %d%s",
                     static_cast<int>(si.pid), si.generation, code,
                     self_stopped && !si.stop_sent ? " (MaxConnectionsPerChild reached)" : "");
  }
  if (expected || si.generation != generation_) return;
  // A child that exits on its own soon after starting has failed, unless it
  // was recycled by MaxConnectionsPerChild: back off instead of fork-looping.
  bool recycled = self_stopped && gen_.config->max_connections_per_child > 0;
  bool failed_start =
      !started ||
      (!WIFSIGNALED(status) && (WEXITSTATUS(status) != 0 || !recycled) && lived < kStartupWindowMs);
  if (failed_start) {
    ++startup_failures_;
    int64_t backoff = startup_backoff_ms(startup_failures_);
    spawn_hold_until_ = monotonic_ms() + backoff;
    ErrorLog::printf(LogLevel::kError, kMod,
                     "child failed at start-up (%d in a row), next attempt in %lld ms",
                     startup_failures_, static_cast<long long>(backoff));
  } else {
    startup_failures_ = 0;
  }
  ++pending_respawns_;
}

void Control::reap(bool replace) {
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    for (size_t s = 0; s < slots_.size(); ++s) {
      if (slots_[s].pid == pid) {
        on_exit(static_cast<int>(s), status);
        break;
      }
    }
  }
  if (!replace || shutting_down_) {
    pending_respawns_ = 0;
    return;
  }
  int64_t now = monotonic_ms();
  if (pending_respawns_ > 0 && now >= spawn_hold_until_) {
    int limit = std::min(active_children_limit(cfg().max_request_workers, cfg().threads_per_child),
                         sb_->server_limit());
    int room = std::max(0, limit - active_children());
    int n = std::min(pending_respawns_, room);
    spawn_many(n);
    pending_respawns_ = 0;
  }
}

void Control::maintenance(int64_t now) {
  const Config& c = cfg();
  SpawnInput in;
  in.server_limit = sb_->server_limit();
  in.threads_per_child = std::min(c.threads_per_child, sb_->thread_limit());
  in.max_request_workers = c.max_request_workers;
  in.min_spare_threads = c.min_spare_threads;
  in.max_spare_threads = c.max_spare_threads;
  in.spawn_rate = spawn_rate_;
  int victim = -1;
  int64_t victim_conns = 0;
  for (size_t s = 0; s < slots_.size(); ++s) {
    const SlotInfo& si = slots_[s];
    if (si.pid == 0) {
      ++in.free_slots;
      continue;
    }
    ++in.total_children;
    const ProcessScore& ps = sb_->process(static_cast<int>(s));
    if (si.stop_sent || ps.quiescing.load() != 0 || si.generation != generation_) continue;
    ++in.active_children;
    for (int t = 0; t < in.threads_per_child; ++t) {
      char st = sb_->worker(static_cast<int>(s), t).status.load();
      // As httpd: a starting (or not yet started) worker counts as idle.
      if (st == static_cast<char>(WorkerStatus::kReady) ||
          st == static_cast<char>(WorkerStatus::kStarting) ||
          st == static_cast<char>(WorkerStatus::kOpen)) {
        ++in.idle_threads;
      }
    }
    int64_t conns = ps.connections.load();
    if (victim < 0 || conns <= victim_conns) {
      victim = static_cast<int>(s);
      victim_conns = conns;
    }
  }
  SpawnDecision d = plan_maintenance(in);
  if (now < spawn_hold_until_) d.spawn = 0;  // start-up failures: back off
  spawn_rate_ = d.next_spawn_rate;
  if (d.at_max_workers && !reported_max_workers_) {
    ErrorLog::write(LogLevel::kError, kMod,
                    "server reached MaxRequestWorkers setting, consider raising the "
                    "MaxRequestWorkers setting");
    reported_max_workers_ = true;
  }
  if (d.scoreboard_full) {
    ErrorLog::write(LogLevel::kError, kMod,
                    "scoreboard is full, not at MaxRequestWorkers. Increase ServerLimit.");
  }
  if (d.spawn > 0) {
    if (d.spawn >= 8) {
      ErrorLog::printf(LogLevel::kInfo, kMod,
                       "server seems busy, (you may need to increase StartServers, "
                       "ThreadsPerChild or Min/MaxSpareThreads), spawning %d children, there "
                       "are around %d idle threads, %d active children, and %d children that "
                       "are shutting down",
                       d.spawn, in.idle_threads, in.active_children,
                       in.total_children - in.active_children);
    }
    spawn_many(d.spawn);
  }
  if (d.stop_one && victim >= 0) {
    SlotInfo& si = slots_[static_cast<size_t>(victim)];
    si.stop_sent = true;
    sb_->process(victim).quiescing = static_cast<uint8_t>(Quiescing::kYes);
    ErrorLog::printf(LogLevel::kInfo, kMod,
                     "%d idle threads above MaxSpareThreads %d: stopping child pid %d",
                     in.idle_threads, in.max_spare_threads, static_cast<int>(si.pid));
    ::kill(si.pid, SIGUSR1);
  }
}

void Control::signal_children(int sig, Quiescing mark) {
  for (size_t s = 0; s < slots_.size(); ++s) {
    SlotInfo& si = slots_[s];
    if (si.pid == 0) continue;
    si.stop_sent = true;
    if (mark != Quiescing::kNo)
      sb_->process(static_cast<int>(s)).quiescing = static_cast<uint8_t>(mark);
    ::kill(si.pid, sig);
  }
}

bool Control::wait_children(int64_t timeout_ms) {
  int64_t end = timeout_ms > 0 ? monotonic_ms() + timeout_ms : 0;
  for (;;) {
    reap(false);
    if (live_children() == 0) return true;
    if (end > 0 && monotonic_ms() >= end) return false;
    // A stop cuts the wait short and is acted on next; any other request (a graceful
    // stop during a restart's wait) stays pending for the main loop.
    if (take_stop_request()) {
      stop_pending_ = true;
      return false;
    }
    sleep_ms(kTickMs / 2);
  }
}

int Control::run() {
  const Config& first = *first_config_;
  std::string err;
  sb_ = Scoreboard::create(first.server_limit, first.thread_limit, first.scoreboard_file, &err);
  if (!sb_) {
    ErrorLog::printf(LogLevel::kEmerg, kMod, "%s", err.c_str());
    return 1;
  }
  sb_->global().parent_pid = ::getpid();
  slots_.assign(static_cast<size_t>(first.server_limit), SlotInfo{});
  Generation g;
  if (!prepare(first_config_, &g, &err)) {
    ErrorLog::printf(LogLevel::kEmerg, kMod, "%s", err.c_str());
    std::fprintf(stderr, "tern: %s\n", err.c_str());
    return 1;
  }
  PidFile pid_file;
  if (!pid_file.create(first.pid_file, &err)) {
    ErrorLog::printf(LogLevel::kEmerg, kMod, "%s", err.c_str());
    std::fprintf(stderr, "tern: %s\n", err.c_str());
    return 1;
  }
  install_control_signals();
  apply(std::move(g));
  log_serving_notices(fds_);
  int limit = std::min(active_children_limit(cfg().max_request_workers, cfg().threads_per_child),
                       sb_->server_limit());
  spawn_many(std::min(cfg().start_servers, limit));

  int64_t next_maintenance = monotonic_ms() + kMaintenanceMs;
  for (;;) {
    ControlRequest request = take_control_request();
    if (stop_pending_) request = ControlRequest::kStop;
    switch (request) {
      case ControlRequest::kNone:
        break;
      case ControlRequest::kStop:
        ErrorLog::write(LogLevel::kNotice, kMod, "caught SIGTERM, shutting down");
        shutting_down_ = true;
        sb_->global().shutting_down = true;
        // A short grace lets in-flight responses finish, then children stop at once.
        signal_children(SIGUSR1, Quiescing::kYes);
        if (!wait_children(kShortGraceMs)) {
          signal_children(SIGTERM, Quiescing::kYes);
          if (!wait_children(kStopGraceMs)) {
            signal_children(SIGKILL, Quiescing::kNo);
            wait_children(kStopGraceMs);
          }
        }
        return 0;
      case ControlRequest::kGracefulStop: {
        ErrorLog::write(LogLevel::kNotice, kMod, "caught SIGWINCH, shutting down gracefully");
        shutting_down_ = true;
        sb_->global().shutting_down = true;
        sockets_.clear();  // the children's copies are the last; they close the door
        signal_children(SIGUSR1, Quiescing::kYes);
        int64_t bound = cfg().graceful_shutdown_timeout.count();
        if (!wait_children(bound)) {
          signal_children(SIGTERM, Quiescing::kYes);
          if (!wait_children(kStopGraceMs)) {
            signal_children(SIGKILL, Quiescing::kNo);
            wait_children(kStopGraceMs);
          }
        }
        return 0;
      }
      case ControlRequest::kRestart:
        ErrorLog::write(LogLevel::kNotice, kMod, "SIGHUP received.  Attempting to restart");
        if (reload()) {
          shutting_down_ = true;  // the old children's exits are expected
          signal_children(SIGTERM, Quiescing::kOldGeneration);
          if (!wait_children(kStopGraceMs)) {
            signal_children(SIGKILL, Quiescing::kNo);
            wait_children(kStopGraceMs);
          }
          shutting_down_ = false;
          startup_failures_ = 0;
          spawn_hold_until_ = 0;
          spawn_many(std::min(cfg().start_servers, sb_->server_limit()));
          log_serving_notices(fds_);
        }
        break;
      case ControlRequest::kGraceful:
        ErrorLog::write(LogLevel::kNotice, kMod, "SIGUSR1 received.  Doing graceful restart");
        if (reload()) {
          // The old generation stops accepting and finishes in-flight work; the
          // new one starts serving now (the listen sockets never close).
          signal_children(SIGUSR1, Quiescing::kOldGeneration);
          startup_failures_ = 0;
          spawn_hold_until_ = 0;
          spawn_many(std::min(cfg().start_servers, sb_->server_limit()));
          log_serving_notices(fds_);
        }
        break;
    }
    reap(true);
    int64_t now = monotonic_ms();
    if (now >= next_maintenance) {
      maintenance(now);
      next_maintenance = now + kMaintenanceMs;
    }
    stapler_.service(now);
    sleep_ms(stapler_.busy() ? kTickMs / 10 : kTickMs);
  }
}

}  // namespace

std::shared_ptr<const Config> fit_to_scoreboard(std::shared_ptr<const Config> config,
                                                int server_limit, int thread_limit,
                                                std::vector<std::string>* warnings) {
  const Config& c = *config;
  if (c.server_limit == server_limit && c.thread_limit == thread_limit &&
      c.threads_per_child <= thread_limit &&
      c.max_request_workers <= server_limit * c.threads_per_child) {
    return config;
  }
  auto copy = std::make_shared<Config>(c);
  if (copy->server_limit != server_limit) {
    warnings->push_back("changing ServerLimit to " + std::to_string(copy->server_limit) +
                        " from original value of " + std::to_string(server_limit) +
                        " not allowed during restart");
    copy->server_limit = server_limit;
  }
  if (copy->thread_limit != thread_limit) {
    warnings->push_back("changing ThreadLimit to " + std::to_string(copy->thread_limit) +
                        " from original value of " + std::to_string(thread_limit) +
                        " not allowed during restart");
    copy->thread_limit = thread_limit;
  }
  if (copy->threads_per_child > thread_limit) {
    warnings->push_back("ThreadsPerChild of " + std::to_string(copy->threads_per_child) +
                        " exceeds ThreadLimit of " + std::to_string(thread_limit) +
                        ", decreasing to match");
    copy->threads_per_child = thread_limit;
  }
  int cap = server_limit * copy->threads_per_child;
  if (copy->max_request_workers > cap) {
    warnings->push_back("MaxRequestWorkers of " + std::to_string(copy->max_request_workers) +
                        " would require more than ServerLimit " + std::to_string(server_limit) +
                        " processes, lowered to " + std::to_string(cap));
    copy->max_request_workers = cap;
  }
  return copy;
}

int run_control_process(const LoadOptions& opts, std::shared_ptr<const Config> config,
                        std::vector<UniqueFd> sockets) {
  Control control(opts, std::move(sockets), std::move(config));
  return control.run();
}

}  // namespace tern
