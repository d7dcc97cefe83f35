#include "apache_harness.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace tern::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The modules the base configuration loads (log_config is built into Debian's binary).
constexpr const char* kModules[][2] = {
    {"mpm_event_module", "mod_mpm_event.so"},
    {"authz_core_module", "mod_authz_core.so"},
    {"alias_module", "mod_alias.so"},
    {"mime_module", "mod_mime.so"},
    {"dir_module", "mod_dir.so"},
    {"cgid_module", "mod_cgid.so"},
};

// The group of user nobody ("nogroup" on Debian), by its gid.
std::string nobody_group() {
  const passwd* pw = ::getpwnam("nobody");
  const group* gr = pw ? ::getgrgid(pw->pw_gid) : nullptr;
  return gr ? gr->gr_name : "nogroup";
}

}  // namespace

ApacheServer::ApacheServer() {
  // apache's child runs as nobody when started as root: it must reach every file here.
  ::chmod(root_.path().c_str(), 0755);
  for (const char* d : {"htdocs", "cgi-bin", "logs"})
    fs::create_directories(root_.path() + "/" + d);
}

ApacheServer::~ApacheServer() {
  if (pid_ > 0) stop(10000);
}

bool ApacheServer::available() {
  if (::access(kApacheBinary, X_OK) != 0) return false;
  return std::all_of(std::begin(kModules), std::end(kModules), [](const auto& m) {
    return ::access((std::string(kApacheModules) + "/" + m[1]).c_str(), R_OK) == 0;
  });
}

std::string ApacheServer::put_script(const std::string& rel, const std::string& content) const {
  std::string path = root_.write("cgi-bin/" + rel, content);
  ::chmod(path.c_str(), 0755);
  return path;
}

std::string ApacheServer::make_config(int port, const std::string& extra) const {
  const std::string& r = root_.path();
  std::ostringstream c;
  c << "# Written by tests/integration/apache_harness.cpp\n"
    << "ServerRoot \"" << r << "\"\n";
  for (const auto& m : kModules)
    c << "LoadModule " << m[0] << " " << kApacheModules << "/" << m[1] << "\n";
  c << "<IfModule !log_config_module>\nLoadModule log_config_module " << kApacheModules
    << "/mod_log_config.so\n</IfModule>\n"
    << "ServerName 127.0.0.1\n"
    << "Listen 127.0.0.1:" << port << "\n";
  if (::geteuid() == 0) c << "User nobody\nGroup " << nobody_group() << "\n";
  c << "PidFile " << r << "/logs/httpd.pid\n"
    << "DefaultRuntimeDir " << r << "/logs\n"
    << "Mutex file:" << r << "/logs default\n"
    << "ScriptSock " << r << "/cgisock\n"
    << "ErrorLog " << r << "/logs/error_log\n"
    << "LogLevel info\n"
    << "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b\" common\n"
    << "CustomLog " << r << "/logs/access_log common\n"
    << "TypesConfig " << (fs::exists("/etc/mime.types") ? "/etc/mime.types" : "/dev/null") << "\n"
    << "DocumentRoot " << r << "/htdocs\n"
    << "<Directory />\n  AllowOverride None\n  Require all granted\n</Directory>\n"
    << "DirectoryIndex index.html\n"
    << "Timeout 30\n"
    << "StartServers 1\nServerLimit 1\nThreadLimit 8\nThreadsPerChild 8\n"
    << "MaxRequestWorkers 8\nMinSpareThreads 1\nMaxSpareThreads 16\n"
    << extra << "\n";
  return c.str();
}

namespace {
// True when mod_cgid's daemon has made its socket (ScriptSock DIR/cgisock, with a pid suffix).
bool cgid_socket_ready(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().filename().string().rfind("cgisock", 0) == 0 && e.is_socket(ec)) return true;
  }
  return false;
}
}  // namespace

bool ApacheServer::start(const std::string& extra) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    config_ = make_config(port_, extra);
    std::string conf = root_.write("httpd.conf", config_);
    pid_ = spawn_process({kApacheBinary, "-f", conf, "-D", "FOREGROUND"}, root_.path() + "/output");
    auto end = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;  // exited: a bad configuration or the port taken
      }
      Client probe(port_);
      // mod_cgid answers 503 until its daemon listens on ScriptSock ("cgisock.PID"): a
      // CGI request right after start-up must not race it.
      if (probe.connected() &&
          (config_.find("cgid_module") == std::string::npos || cgid_socket_ready(root_.path()))) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
      stop(5000);
      return false;
    }
    if (log().find("could not bind") == std::string::npos) return false;  // not a port race
  }
  return false;
}

int ApacheServer::stop(int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int code = wait_for_exit(pid_, timeout_ms);
  if (code == -1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::kill(-pid_, SIGKILL);  // a child, the cgid daemon or a script still alive
  pid_ = -1;
  return code;
}

std::string ApacheServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string ApacheServer::log() const {
  return slurp(root_.path() + "/output") + slurp(root_.path() + "/logs/error_log");
}

std::string ApacheServer::read(const std::string& rel) const {
  return slurp(root_.path() + "/" + rel);
}

std::string http_request(const std::string& method, const std::string& target,
                         const std::vector<std::string>& headers, const std::string& body) {
  bool has_host = std::any_of(headers.begin(), headers.end(), [](const std::string& h) {
    return h.size() >= 5 && ::strncasecmp(h.c_str(), "host:", 5) == 0;
  });
  std::string req = method + " " + target + " HTTP/1.1\r\n";
  if (!has_host) req += "Host: 127.0.0.1\r\n";
  req += "Connection: close\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  if (!body.empty()) req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return req + "\r\n" + body;
}

int get_status(int port, const std::string& target, const std::vector<std::string>& headers) {
  auto r = fetch(port, http_request("GET", target, headers));
  return r ? r->status : -1;
}

void expect_same_status(const ApacheServer& apache, const Server& tern, const std::string& target,
                        int expected, const std::vector<std::string>& headers) {
  const int a = get_status(apache.port(), target, headers);
  EXPECT_EQ(a, expected) << apache.log();
  EXPECT_EQ(get_status(tern.port(), target, headers), a) << tern.read("logs/error_log");
}

std::map<std::string, std::string> headers_map(const Response& r) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : r.headers) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    auto [it, fresh] = out.emplace(key, value);
    if (!fresh) it->second += ", " + value;
  }
  return out;
}

std::map<std::string, std::string> parse_env(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

void compare_with_apache(const ApacheServer& apache, const Server& tern, const std::string& request,
                         bool head, const std::vector<std::string>& headers,
                         Response* apache_answer,
                         const std::function<std::string(const std::string&)>& normalise) {
  auto a = fetch(apache.port(), request, head);
  auto t = fetch(tern.port(), request, head);
  ASSERT_TRUE(a) << apache.log();
  ASSERT_TRUE(t) << tern.log();
  auto ah = headers_map(*a);
  auto th = headers_map(*t);
  EXPECT_EQ(t->status, a->status) << t->body << tern.read("logs/error_log");
  for (const std::string& h : headers) EXPECT_EQ(th[h], ah[h]) << h;
  if (normalise)
    EXPECT_EQ(normalise(t->body), normalise(a->body));
  else
    EXPECT_EQ(t->body, a->body);
  if (apache_answer != nullptr) *apache_answer = *a;
}

void start_both(ApacheServer& apache, Server& tern, const std::string& apache_only,
                const std::string& tern_only, const std::string& shared) {
  ASSERT_TRUE(apache.start(apache_only + shared)) << apache.log();
  ASSERT_TRUE(tern.start("ServerName 127.0.0.1\n" + tern_only + shared)) << tern.log();
}

std::vector<std::string> wait_lines(const std::function<std::string()>& read, size_t n) {
  std::vector<std::string> lines;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    lines.clear();
    std::string text = read();
    for (size_t at = 0, nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
      lines.push_back(text.substr(at, nl - at));
    if (lines.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return lines;
}

}  // namespace tern::test
