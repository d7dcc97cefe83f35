// libFuzzer target: tern::load_config_text on arbitrary configuration text — lexer, parser,
// <IfDefine>/<IfModule>, ${VAR}, the directive table and every setter, and the loader's
// whole-config checks.
//
// Include/IncludeOptional are confined: the loader gets LoadOptions::include_root, a
// directory this process creates (mkdtemp under $TMPDIR or /tmp, removed at exit) holding a
// few fixture files (a plain include, a conf.d/ directory, a file that includes itself, an
// unclosed section), and ServerRoot starts there. Any other path, or one with a ".."
// segment, is an error before anything is opened, so the fuzzer never reads the machine's
// files or FIFOs (directives other than Include only stat() their paths).
// Checks: exactly one of config and error; an error is one line "FILE:LINE: …" naming the
// input, "(command line)" or a fixture, with LINE within that text, at most kMaxError bytes
// and no control characters; loading twice gives the same result; an accepted config with a
// comment line appended loads to the same configuration.
// TERN_FUZZ_VERBOSE=1 prints each input's outcome (to check seeds).
// Built by -DTERN_FUZZ=ON (see README).

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/config_loader.h"

namespace {

constexpr std::string_view kName = "fuzz.conf";
constexpr size_t kMaxError = 2 * 1024 + 512;  // file and message are capped at 1 KiB each

std::string g_root;  // the fixture directory and include root

void check(bool ok, const char* what, const std::string& detail = "") {
  if (ok) return;
  std::fprintf(stderr, "config_parser invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void write_file(const std::string& rel, const std::string& content) {
  const std::filesystem::path p = std::filesystem::path(g_root) / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << content;
}

void remove_root() {
  std::error_code ec;
  std::filesystem::remove_all(g_root, ec);
}

int count_lines(std::string_view text) {
  int n = 0;
  for (char ch : text) n += ch == '\n';
  return n + 1;
}

// A fixture's line count, or -1 when `file` is not one.
int fixture_lines(const std::string& file) {
  if (!file.starts_with(g_root + "/")) return -1;
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return count_lines(text);
}

// Checks the one-line "FILE:LINE: DIRECTIVE: message" form of a load error.
void check_error(const std::string& err, std::string_view text) {
  check(!err.empty(), "no config and no error");
  check(err.size() <= kMaxError, "error message too long", err.substr(0, 300));
  for (char c : err) {
    const auto u = static_cast<unsigned char>(c);
    check(u >= 0x20 && u != 0x7f, "control character in an error message", err);
  }
  // FILE may itself contain ':' only if it is a fixture path (none do).
  const size_t colon = err.find(':');
  check(colon != std::string::npos, "error without FILE:", err);
  const std::string file = err.substr(0, colon);
  size_t i = colon + 1, digits = 0;
  long line = 0;
  while (i < err.size() && err[i] >= '0' && err[i] <= '9' && digits < 9) {
    line = line * 10 + (err[i] - '0');
    ++i, ++digits;
  }
  check(digits > 0 && err.compare(i, 2, ": ") == 0, "error without :LINE: ", err);
  int max_line;
  if (file == kName) {
    max_line = count_lines(text);
  } else if (file == "(command line)") {
    max_line = 0;
  } else {
    max_line = fixture_lines(file);
    check(max_line >= 0, "error names an unknown file", err);
  }
  check(line <= max_line, "error line beyond the end of its file", err);
}

// What the configuration says, as text, for comparing two loads.
std::string fingerprint(const tern::Config& c) {
  std::string s;
  auto add = [&](std::string_view v) {
    s += v;
    s += '\x1f';
  };
  auto num = [&](long long v) { add(std::to_string(v)); };
  add(c.server_root), add(c.config_file), add(c.document_root), add(c.server_name);
  for (const auto& l : c.listens) add(l.host), num(l.port), add(l.file), num(l.line);
  for (const auto& d : c.directory_index) add(d);
  add(c.types_config);
  for (const auto& sec : c.sections)
    num(static_cast<int>(sec.kind)), add(sec.pattern), num(sec.parent), num(sec.else_of);
  for (const auto& f : c.access_file_names) add(f);
  num(static_cast<long long>(c.virtual_hosts.size()));
  num(c.keep_alive), num(c.keep_alive_timeout.count()), num(c.max_keep_alive_requests);
  num(c.timeout.count()), num(c.listen_backlog), num(static_cast<long long>(c.limit_request_line));
  num(static_cast<long long>(c.limit_request_field_size));
  num(static_cast<long long>(c.limit_request_fields));
  num(static_cast<long long>(c.limit_request_body));
  add(c.error_log), num(static_cast<int>(c.log_level));
  for (const auto& [k, v] : c.log_formats) add(k), add(v);
  for (const auto& l : c.custom_logs) add(l.path), add(l.format);
  add(c.pid_file), num(static_cast<int>(c.server_tokens)), num(c.enable_sendfile);
  num(c.max_ranges), num(c.trace_enable);
  for (const auto& e : c.error_documents)
    num(e.status), num(static_cast<int>(e.kind)), add(e.value);
  for (const auto* t : {&c.header_read_timeout, &c.body_read_timeout})
    num(t->initial_seconds), num(t->max_seconds), num(t->min_rate);
  add(std::to_string(c.async_request_worker_factor));
  num(c.start_servers), num(c.server_limit), num(c.thread_limit), num(c.threads_per_child);
  num(c.max_request_workers), num(c.min_spare_threads), num(c.max_spare_threads);
  num(c.max_connections_per_child), num(c.graceful_shutdown_timeout.count());
  add(c.user), add(c.group), add(c.scoreboard_file), num(c.extended_status);
  for (const auto& l : c.sections) {
    add(l.pattern), num(l.is_regex), num(l.regex != nullptr), add(l.handler.value_or("-"));
    num(l.require.has_value()), add(l.file), num(l.line);
  }
  for (const auto& w : c.warnings) add(w);
  for (bool m : c.active_modules) num(m);
  return s;
}

tern::LoadResult load(std::string_view text) {
  tern::LoadOptions opts;
  opts.server_root = g_root;
  opts.include_root = g_root;
  opts.defines = {"FUZZ", "PORT=8080"};
  return tern::load_config_text(text, kName, opts);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/tern-fuzz-config-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  g_root = tmpl;
  std::atexit(remove_root);
  std::filesystem::create_directories(g_root + "/htdocs");
  std::filesystem::create_directories(g_root + "/logs");
  write_file("a.conf", "Listen 8081\nServerName a.example\n");
  write_file("conf.d/1.conf", "<IfModule status_module>\nExtendedStatus On\n</IfModule>\n");
  write_file("conf.d/2.conf",
             "KeepAliveTimeout 3\n<Location /s>\nSetHandler server-status\n"
             "</Location>\n");
  write_file("self.conf", "Include " + g_root + "/self.conf\n");
  write_file("unclosed.conf", "ServerTokens Prod\n<Location /x>\n");
  write_file("bad.conf", "KeepAlive Maybe\n");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const tern::LoadResult r = load(text);
  static const bool verbose = std::getenv("TERN_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "load: %s\n", r.config ? "accepted" : r.error.c_str());
  check((r.config == nullptr) != r.error.empty(), "config and error both set or both unset");
  const tern::LoadResult again = load(text);
  if (r.config == nullptr) {
    check_error(r.error, text);
    // Every error of the text is reported (the first is `error`), and their number is bounded.
    check(!r.errors.empty() && r.errors.front() == r.error, "error is not the first of errors");
    check(r.errors.size() <= 101, "more errors than the limit");
    for (const std::string& e : r.errors) check_error(e, text);
    check(again.errors == r.errors, "loading twice reports other errors");
    check(again.config == nullptr && again.error == r.error, "loading twice differs",
          r.error + "\n" + again.error);
    return 0;
  }
  check(again.config != nullptr, "loading twice differs", again.error);
  const std::string fp = fingerprint(*r.config);
  check(fingerprint(*again.config) == fp, "loading twice gives another configuration");
  // A comment on a line of its own changes nothing (unless the text ends in a continuation).
  if (!text.empty() && text.back() == '\n' && !text.ends_with("\\\n") &&
      !text.ends_with("\\\r\n")) {
    const tern::LoadResult more = load(std::string(text) + "# a comment\n");
    check(more.config != nullptr, "an appended comment broke the configuration", more.error);
    check(fingerprint(*more.config) == fp, "an appended comment changed the configuration");
  }
  return 0;
}
