#include "harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace tern::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "tern-test-XXXXXX").string();
  char* p = ::mkdtemp(tmpl.data());
  path_ = p ? p : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& rel, const std::string& content) const {
  fs::path full = fs::path(path_) / rel;
  fs::create_directories(full.parent_path());
  std::ofstream(full, std::ios::binary) << content;
  return full.string();
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

pid_t spawn_process(const std::vector<std::string>& argv, const std::string& out_path,
                    unsigned long nofile) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // its own process group: the harness can stop every process of it
    if (nofile > 0) {
      rlimit lim{nofile, nofile};
      if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) ::_exit(126);
    }
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for_exit(pid_t pid, int timeout_ms) {
  auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (r < 0) return -1;
    if (Clock::now() > end) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ProcessResult run_process(const std::vector<std::string>& argv, int timeout_ms) {
  TempDir tmp;
  std::string out = tmp.path() + "/out";
  pid_t pid = spawn_process(argv, out);
  ProcessResult r;
  r.exit_code = wait_for_exit(pid, timeout_ms);
  if (r.exit_code == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  r.output = slurp(out);
  return r;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
  pid_ = spawn_process(argv, dir_.path() + "/out");
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) finish(SIGKILL, 5000);
}

ProcessResult BackgroundProcess::finish(int sig, int timeout_ms) {
  ProcessResult r;
  if (pid_ <= 0) return r;
  if (sig != 0) ::kill(pid_, sig);
  r.exit_code = wait_for_exit(pid_, timeout_ms);
  if (r.exit_code == -1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  // A server's children (its own process group) must not outlive the test: a killed
  // httpd parent leaves them holding the port.
  ::kill(-pid_, SIGKILL);
  pid_ = -1;
  r.output = slurp(dir_.path() + "/out");
  return r;
}

Server::Server() {
  fs::create_directories(root_.path() + "/htdocs");
  fs::create_directories(root_.path() + "/logs");
}

Server::~Server() {
  if (pid_ > 0) stop(SIGKILL, 10000);
  // A sanitizer report in the server (any of its processes) fails the test even
  // when the crashed child was replaced and every request still got an answer.
  std::string out = log();
  if (out.find("Sanitizer") != std::string::npos ||
      out.find("runtime error:") != std::string::npos) {
    ADD_FAILURE() << "tern's sanitizers reported:\n" << out;
  }
}

bool Server::start(const std::string& extra, const std::vector<std::string>& args) {
  return start_config(
      [&](int port) {
        std::ostringstream c;
        c << "Listen 127.0.0.1:" << port << "\n"
          << "DocumentRoot htdocs\n"
          << "ErrorLog logs/error_log\n"
          << "LogLevel info\n"
          << "CustomLog logs/access_log common\n"
          << "PidFile logs/tern.pid\n"
          << (mpm_defaults_ ? ""
                            : "ThreadsPerChild 4\n"
                              "StartServers 1\nMinSpareThreads 1\nMaxSpareThreads 8\n")
          << extra << "\n";
        return c.str();
      },
      args);
}

bool Server::start_config(const std::function<std::string(int port)>& make_config,
                          const std::vector<std::string>& args) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    config_ = make_config(port_);
    root_.write("tern.conf", config_);
    std::vector<std::string> argv{TERN_BINARY, "-d", root_.path(), "-f", "tern.conf"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = spawn_process(argv, root_.path() + "/output", nofile_limit_);
    // A sanitizer build on a loaded machine takes seconds to start.
    auto end = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;  // exited: bad config or port taken
      }
      Client probe(port_);
      if (probe.connected()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
      stop(SIGKILL);
      return false;
    }
    if (log().find("bind") == std::string::npos) return false;  // not a port race
  }
  return false;
}

bool Server::start_with_mpm_defaults(const std::string& extra) {
  mpm_defaults_ = true;
  bool ok = start(extra);
  mpm_defaults_ = false;
  return ok;
}

int Server::stop(int sig, int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int code = wait_for_exit(pid_, timeout_ms);
  if (code == -1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::kill(-pid_, SIGKILL);  // anything of its process group still alive (children)
  pid_ = -1;
  return code;
}

std::string Server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string Server::log() const {
  return slurp(root_.path() + "/output");
}

std::string Server::read(const std::string& rel) const {
  return slurp(root_.path() + "/" + rel);
}

std::optional<std::string> Response::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (::strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return std::nullopt;
}

Client::Client(int port, const char* address, const char* source) {
  int fd = ::socket(address[0] == ':' || std::strchr(address, ':') ? AF_INET6 : AF_INET,
                    SOCK_STREAM | SOCK_CLOEXEC, 0);
  int rc;
  if (source != nullptr) {
    if (std::strchr(source, ':')) {
      sockaddr_in6 b{};
      b.sin6_family = AF_INET6;
      ::inet_pton(AF_INET6, source, &b.sin6_addr);
      rc = ::bind(fd, reinterpret_cast<sockaddr*>(&b), sizeof b);
    } else {
      sockaddr_in b{};
      b.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &b.sin_addr);
      rc = ::bind(fd, reinterpret_cast<sockaddr*>(&b), sizeof b);
    }
    if (rc != 0) {
      ::close(fd);
      return;
    }
  }
  if (std::strchr(address, ':')) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET6, address, &a.sin6_addr);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, address, &a.sin_addr);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  if (rc != 0) {
    ::close(fd);
    return;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
}

Client::~Client() {
  close();
}

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool Client::send(const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

bool Client::fill(int timeout_ms) {
  if (eof_ || fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  int r = ::poll(&p, 1, timeout_ms);
  if (r <= 0) return false;
  char tmp[65536];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n < 0 && errno == ECONNRESET) reset_ = true;
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

std::optional<Response> Client::read_response(bool head_request, int timeout_ms) {
  auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto left = [&] {
    return static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count()));
  };
  size_t head_end;
  while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(left())) return std::nullopt;
  }
  Response r;
  std::string head = buf_.substr(0, head_end);
  size_t pos = head.find("\r\n");
  r.status_line = head.substr(0, pos);
  if (r.status_line.size() >= 12) r.status = std::atoi(r.status_line.c_str() + 9);
  while (pos != std::string::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      r.headers.emplace_back(line.substr(0, colon), v);
    }
    pos = next;
  }
  buf_.erase(0, head_end + 4);
  bool no_body = head_request || r.status == 304 || r.status == 204 || r.status / 100 == 1;
  auto te = r.header("Transfer-Encoding");
  if (no_body) return r;
  if (te && te->find("chunked") != std::string::npos) {
    for (;;) {
      size_t eol;
      while ((eol = buf_.find("\r\n")) == std::string::npos) {
        if (!fill(left())) return std::nullopt;
      }
      size_t size = std::strtoul(buf_.c_str(), nullptr, 16);
      buf_.erase(0, eol + 2);
      if (size == 0) {
        while (buf_.find("\r\n") == std::string::npos) {
          if (!fill(left())) return std::nullopt;
        }
        buf_.erase(0, buf_.find("\r\n") + 2);
        return r;
      }
      while (buf_.size() < size + 2) {
        if (!fill(left())) return std::nullopt;
      }
      r.body.append(buf_, 0, size);
      buf_.erase(0, size + 2);
    }
  }
  auto cl = r.header("Content-Length");
  if (!cl) {  // read to close
    while (fill(left())) {
    }
    r.body = std::move(buf_);
    buf_.clear();
    return r;
  }
  size_t len = std::strtoul(cl->c_str(), nullptr, 10);
  while (buf_.size() < len) {
    if (!fill(left())) return std::nullopt;
  }
  r.body = buf_.substr(0, len);
  buf_.erase(0, len);
  return r;
}

bool Client::wait_closed(int timeout_ms) {
  auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!eof_) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
    if (left <= 0) return false;
    if (!fill(left) && !eof_) return false;
  }
  return true;
}

bool Client::wait_readable(int timeout_ms) {
  if (!buf_.empty() || eof_) return true;
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

std::string Client::read_all(int timeout_ms) {
  while (fill(timeout_ms)) {
  }
  std::string out = std::move(buf_);
  buf_.clear();
  return out;
}

std::optional<Response> fetch(int port, const std::string& request, bool head_request) {
  Client c(port);
  if (!c.connected() || !c.send(request)) return std::nullopt;
  return c.read_response(head_request);
}

ProcessResult curl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/curl", "-s", "--max-time", "30"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, 40000);
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  pid_t p;
  while (in >> p) out.push_back(p);
  return out;
}

}  // namespace tern::test
