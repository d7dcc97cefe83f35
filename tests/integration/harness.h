#pragma once
// Integration-test harness: runs the real tern binary on a free loopback port
// with a generated configuration, and talks to it over real sockets.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tern::test {

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // The directory's absolute path.
  const std::string& path() const { return path_; }
  // Writes `content` to `rel` (creating parent directories); returns the full path.
  std::string write(const std::string& rel, const std::string& content) const;

 private:
  std::string path_;
};

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int free_port();

// The result of running a process to completion.
struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Starts `argv` in its own process group (so a harness can stop every process of it), with
// stdin from /dev/null and stdout+stderr appended to `out_path`; returns the pid. `nofile`
// > 0 sets RLIMIT_NOFILE (soft and hard) in the child before exec.
pid_t spawn_process(const std::vector<std::string>& argv, const std::string& out_path,
                    unsigned long nofile = 0);

// Reaps `pid` within `timeout_ms`: its exit code (128+signal when killed), -1 on timeout.
int wait_for_exit(pid_t pid, int timeout_ms);

// The contents of the file at `path` ("" when unreadable).
std::string slurp(const std::string& path);

// Runs `argv` with a time limit and returns its exit code and output.
ProcessResult run_process(const std::vector<std::string>& argv, int timeout_ms = 30000);

// A process started in the background (its own process group), finished on demand.
class BackgroundProcess {
 public:
  // Starts `argv` with stdout and stderr captured.
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  // Kills it (SIGKILL) when still running, and anything left of its process group.
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  // Sends `sig` (0: none), waits up to `timeout_ms` for the exit and returns the result
  // (exit_code -1 on timeout, after which it is killed); then kills what is left of its
  // process group (a server's children).
  ProcessResult finish(int sig, int timeout_ms = 30000);

 private:
  TempDir dir_;
  pid_t pid_ = -1;
};

// A tern server process with its own ServerRoot, DocumentRoot and logs.
class Server {
 public:
  Server();
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The ServerRoot (a temp dir with htdocs/ and logs/).
  TempDir& root() { return root_; }
  // Writes a file under htdocs/.
  std::string put(const std::string& rel, const std::string& content) {
    return root_.write("htdocs/" + rel, content);
  }
  // Starts tern with the base configuration plus `extra` directives; waits
  // until it accepts connections. False (with output in `log()`) on failure.
  bool start(const std::string& extra = "", const std::vector<std::string>& args = {});
  // Like start(), with no MPM directive in the base configuration: tern's defaults.
  bool start_with_mpm_defaults(const std::string& extra = "");
  // Starts tern with exactly the configuration `make_config(port)` (no base
  // configuration); otherwise as start().
  bool start_config(const std::function<std::string(int port)>& make_config,
                    const std::vector<std::string>& args = {});
  // Sends `sig` and waits up to `timeout_ms` for exit; returns the exit code
  // (-1 on timeout, after which the process is killed).
  int stop(int sig = 15, int timeout_ms = 30000);
  // The port it listens on.
  int port() const { return port_; }
  // The pid.
  pid_t pid() const { return pid_; }
  // Base URL "http://127.0.0.1:PORT".
  std::string url(const std::string& path = "/") const;
  // Everything the process printed so far.
  std::string log() const;
  // The configuration text used by the last start().
  const std::string& config_text() const { return config_; }
  // Contents of a file under the ServerRoot (e.g. "logs/access_log").
  std::string read(const std::string& rel) const;
  // Starts later processes with RLIMIT_NOFILE soft and hard both `n` (0: inherit),
  // set in the child before exec so that tern cannot raise it.
  void set_nofile_limit(unsigned long n) { nofile_limit_ = n; }

 private:
  TempDir root_;
  std::string config_;
  unsigned long nofile_limit_ = 0;
  int port_ = 0;
  pid_t pid_ = -1;
  bool mpm_defaults_ = false;  // start_with_mpm_defaults(): leave the MPM lines out
};

// A parsed HTTP/1.1 response.
struct Response {
  int status = 0;
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header named `name` (case-insensitive).
  std::optional<std::string> header(const std::string& name) const;
};

// A raw TCP client connection to 127.0.0.1.
class Client {
 public:
  // Connects to `port` (check connected()); from `source` (an IPv4/IPv6 address of
  // this host, e.g. "127.0.0.2") when not null.
  explicit Client(int port, const char* address = "127.0.0.1", const char* source = nullptr);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  // True when connected.
  bool connected() const { return fd_ >= 0; }
  // Sends all of `data`; false on error.
  bool send(const std::string& data);
  // Reads one response (head, then a body per Content-Length / chunked, none for
  // HEAD when `head_request`). nullopt on timeout or close before a full response.
  // The default bound is generous: a sanitizer build on a loaded machine is slow.
  std::optional<Response> read_response(bool head_request = false, int timeout_ms = 30000);
  // Waits for the peer to close: true when EOF (or reset) arrives within `timeout_ms`.
  bool wait_closed(int timeout_ms = 30000);
  // True when the connection saw a reset (ECONNRESET) in wait_closed/read.
  bool was_reset() const { return reset_; }
  // True when the peer closed with nothing unread: no byte of a next response came.
  bool closed_unanswered() const { return eof_ && buf_.empty(); }
  // Reads whatever arrives within `timeout_ms` (until close or quiet).
  std::string read_all(int timeout_ms = 2000);
  // Waits until something (response bytes, or a close) can be read: true when it
  // arrives within `timeout_ms`. Reads nothing.
  bool wait_readable(int timeout_ms = 30000);
  // Closes now.
  void close();
  // The socket.
  int fd() const { return fd_; }

 private:
  bool fill(int timeout_ms);
  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
  bool reset_ = false;
};

// Sends `request` on a new connection and returns the first response.
std::optional<Response> fetch(int port, const std::string& request, bool head_request = false);

// Runs curl with `args` (plus -s) and returns its result.
ProcessResult curl(const std::vector<std::string>& args);

// Polls `pred` every 20 ms until it holds or `limit` passes; its last answer.
bool wait_until(const std::function<bool()>& pred,
                std::chrono::milliseconds limit = std::chrono::seconds(30));

// The pids of the direct children of `pid` (from /proc).
std::vector<pid_t> children_of(pid_t pid);

// server-status at /server-status and Prometheus metrics at /metrics.
inline constexpr const char* kStatusConf =
    "<Location /server-status>\nSetHandler server-status\n</Location>\n"
    "<Location /metrics>\nSetHandler metrics\n</Location>\n";

}  // namespace tern::test
