// Hostile configuration files: non-regular includes, oversized files and lines, NUL
// bytes, huge tokens. Each must fail with "file:line: directive: message", promptly
// and with a short message. A regression that blocks (a FIFO) or grows without bound
// (/dev/zero) hangs the test; ctest's timeout for unit tests catches it.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "config/config_loader.h"
#include "config/directive_table.h"
#include "config/edit_distance.h"
#include "config_test_util.h"
#include "handlers/authz.h"

namespace tern {
namespace {

using testing::load;
using testing::TempDir;

constexpr size_t kMiB = 1024 * 1024;

class ConfigHostile : public ::testing::Test {
 protected:
  std::string err(const std::string& text, LoadOptions o = LoadOptions()) {
    LoadResult r = load(text, dir.path(), o);
    EXPECT_EQ(r.config, nullptr);
    // Whatever the input, the message stays short.
    EXPECT_LT(r.error.size(), 1500u) << r.error.substr(0, 200);
    return r.error;
  }
  LoadResult ok(const std::string& text) {
    LoadResult r = load(text, dir.path());
    EXPECT_EQ(r.error, "");
    return r;
  }
  std::string fifo(const std::string& rel) {
    const std::string p = dir.path() + "/" + rel;
    EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0);
    return p;
  }
  // A file of `size` bytes (sparse: zeros) at `rel`.
  std::string sized(const std::string& rel, off_t size) {
    const std::string p = dir.write(rel, "");
    EXPECT_EQ(::truncate(p.c_str(), size), 0);
    return p;
  }
  static bool has(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
  }
  TempDir dir;
};

TEST_F(ConfigHostile, IncludeOfAFifoIsRefusedWithoutBlocking) {
  const std::string p = fifo("pipe");
  EXPECT_EQ(err("\nInclude pipe\n"), "t.conf:2: Include: could not open configuration file " + p +
                                         ": a FIFO, not a regular file");
  // IncludeOptional only tolerates what does not exist.
  EXPECT_TRUE(has(err("IncludeOptional " + p + "\n"), "t.conf:1: IncludeOptional: "));
}

TEST_F(ConfigHostile, FifoInAnIncludedDirectoryOrWildcardIsRefused) {
  dir.write("conf.d/a.conf", "Timeout 5\n");
  fifo("conf.d/b.conf");
  const std::string e = err("Include conf.d\n");
  EXPECT_TRUE(has(e, "t.conf:1: Include: ")) << e;
  EXPECT_TRUE(has(e, "b.conf: a FIFO, not a regular file")) << e;
  EXPECT_TRUE(has(err("Include conf.d/*.conf\n"), "b.conf: a FIFO")) << e;
}

TEST_F(ConfigHostile, DevZeroIsRefusedAndDevNullIsEmpty) {
  EXPECT_EQ(err("Include /dev/zero\n"),
            "t.conf:1: Include: could not open configuration file /dev/zero: a character "
            "device, not a regular file");
  EXPECT_TRUE(has(err("Include /dev/urandom\n"), "a character device")) << "urandom";
  auto r = ok("Include /dev/null\nTimeout 7\n");
  ASSERT_NE(r.config, nullptr);
  EXPECT_EQ(r.config->timeout.count(), 7000);
}

TEST_F(ConfigHostile, MainFileMustBeRegularToo) {
  fifo("main.conf");
  LoadOptions o;
  o.server_root = dir.path();
  o.config_file = "main.conf";
  LoadResult r = load_config(o);
  EXPECT_EQ(r.config, nullptr);
  EXPECT_TRUE(has(r.error, "main.conf: a FIFO, not a regular file")) << r.error;
  o.config_file = "/dev/zero";
  r = load_config(o);
  EXPECT_TRUE(has(r.error, "/dev/zero: a character device")) << r.error;
}

TEST_F(ConfigHostile, TypesConfigMustBeARegularFile) {
  fifo("mime.types");
  EXPECT_TRUE(has(err("\n\nTypesConfig mime.types\n"), "t.conf:3: TypesConfig: "));
}

TEST_F(ConfigHostile, SymlinkLoopsInIncludedDirectoriesStop) {
  // Two links back to their own directory: 2^128 paths within the nesting limit. The
  // kernel's ELOOP ends the first deep path, and that error ends the load.
  const std::string d = dir.mkdir("loop");
  ASSERT_EQ(::symlink(d.c_str(), (d + "/a").c_str()), 0);
  ASSERT_EQ(::symlink(d.c_str(), (d + "/b").c_str()), 0);
  dir.write("loop/x.conf", "Timeout 5\n");
  const std::string e = err("\nInclude loop\n");
  EXPECT_TRUE(has(e, "t.conf:2: Include: ")) << e;
}

TEST_F(ConfigHostile, NumberOfIncludedFilesIsBounded) {
  dir.write("e.conf", "");
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "Include e.conf\n";
  EXPECT_NE(ok(text).config, nullptr);
  EXPECT_EQ(err(text + "Include e.conf\n"),
            "t.conf:10001: Include: more than 10000 files and directories included; is there a "
            "symbolic link loop?");
}

TEST_F(ConfigHostile, OversizedFileIsRefusedBeforeItIsRead) {
  const std::string p = sized("big.conf", 16 * kMiB + 1);
  EXPECT_EQ(err("Include big.conf\n"),
            "t.conf:1: Include: configuration file " + p + " is larger than 16777216 bytes");
  sized("ok.conf", 16 * kMiB);  // at the limit: read, then refused for its NUL bytes
  EXPECT_TRUE(has(err("Include ok.conf\n"), "ok.conf:1: : NUL byte in configuration line"));
}

TEST_F(ConfigHostile, TotalSizeOfAllFilesIsBounded) {
  // 15 MiB of comments, included five times: 75 MiB in all, above the 64 MiB budget.
  std::string line(1023, '#');
  line += '\n';
  std::string text;
  text.reserve(15 * kMiB);
  while (text.size() < 15 * kMiB) text += line;
  dir.write("c.conf", text);
  const std::string e =
      err("Include c.conf\nInclude c.conf\nInclude c.conf\nInclude c.conf\n"
          "Include c.conf\n");
  EXPECT_EQ(e,
            "t.conf:5: Include: configuration too large (more than 67108864 bytes in all "
            "files)");
}

TEST_F(ConfigHostile, NulByteInALineIsAnError) {
  using namespace std::string_literals;
  EXPECT_EQ(err("Timeout 5\nDocumentRoot /x\0/etc\n"s),
            "t.conf:2: DocumentRoot: NUL byte in configuration line");
  EXPECT_EQ(err("# a comment\0 too\n"s), "t.conf:1: #: NUL byte in configuration line");
  dir.write("inc.conf", "\n\nServerName a\0b\n"s);
  EXPECT_EQ(err("Include inc.conf\n"),
            dir.path() + "/inc.conf:3: ServerName: NUL byte in configuration line");
}

TEST_F(ConfigHostile, LineAbove64KiBIsAnError) {
  const std::string limit_msg = "line too long (more than 65536 bytes, continuation lines joined)";
  // Exactly 64 KiB is accepted (the ServerName itself is then refused as a host name).
  const std::string at_limit = "ServerName " + std::string(65536 - 11, 'a');
  EXPECT_TRUE(has(err(at_limit + "\n"), "is not a valid host")) << "64 KiB";
  EXPECT_EQ(err("Timeout 5\nServerName " + std::string(65536, 'a') + "\n"),
            "t.conf:2: ServerName: " + limit_msg);
  // Continuation lines count together; the error names the first physical line.
  std::string joined = "\nDirectoryIndex";
  for (int i = 0; i < 10000; ++i) joined += " index.html \\\n";
  EXPECT_EQ(err(joined + "x\n"), "t.conf:2: DirectoryIndex: " + limit_msg);
  // A 10 MB directive name: refused by its length, with a short message.
  const std::string e = err(std::string(10 * kMiB, 'A') + " 1\n");
  EXPECT_TRUE(has(e, "t.conf:1: " + std::string(64, 'A') + "...: " + limit_msg)) << e.size();
}

TEST_F(ConfigHostile, VariableExpansionIsBoundedToo) {
  const std::string v(40000, 'a');
  EXPECT_EQ(err("Define BIG " + v + "\nServerName ${BIG}${BIG}\n"),
            "t.conf:2: ServerName: line too long after ${} substitution (more than 65536 "
            "bytes)");
}

TEST_F(ConfigHostile, MessagesQuoteAShortPrefix) {
  const std::string name(60000, 'Q');
  const std::string e = err(name + " 1\n");
  EXPECT_EQ(e, "t.conf:1: " + std::string(64, 'Q') + "...: Invalid command '" +
                   std::string(64, 'Q') +
                   "...', perhaps misspelled or defined by a module not included in the server "
                   "configuration");
  EXPECT_EQ(err("Timeout " + std::string(60000, '9') + "\n"),
            "t.conf:1: Timeout: '" + std::string(64, '9') + "...' is out of range (0..2147483647)");
  // Control bytes are shown escaped, not sent to the terminal.
  EXPECT_EQ(err("ServerTokens \"a\x1b[2Jb\"\n"),
            "t.conf:1: ServerTokens: 'a\\x1b[2Jb' is not one of Full, OS, Minimal, Minor, Major, "
            "Prod");
}

// Found by fuzz/config_parser_fuzz: a setter that quotes its whole value (ServerRoot,
// DocumentRoot) passed control bytes through to the terminal and the error log.
TEST_F(ConfigHostile, ControlBytesInQuotedPathsAreEscaped) {
  EXPECT_EQ(err("ServerRoot \"/no\x11such\x1b[2J\"\n"),
            "t.conf:1: ServerRoot: ServerRoot must be a valid directory ('/no\\x11such\\x1b[2J')");
  const std::string e = err("DocumentRoot /" + std::string(5000, 'd') + "\x7f\n");
  EXPECT_TRUE(e.ends_with(std::string(10, 'd') + "...")) << e.substr(e.size() - 40);
}

// LoadOptions::include_root (the fuzz harness's confinement): nothing outside it is read,
// not even through a ".." segment or a wildcard that matches "..".
TEST_F(ConfigHostile, IncludeRootConfinesIncludes) {
  dir.write("root/in.conf", "Timeout 7\n");
  dir.write("root/sub/x.conf", "KeepAlive Off\n");
  dir.write("outside.conf", "Timeout 9\n");
  LoadOptions o;
  o.include_root = dir.path() + "/root";
  LoadResult r = load("Include root/in.conf\nInclude root/sub\n", dir.path(), o);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.config->timeout, std::chrono::seconds(7));
  EXPECT_FALSE(r.config->keep_alive);
  const std::string outside = "' is outside the include root";
  EXPECT_EQ(err("Include outside.conf\n", o),
            "t.conf:1: Include: '" + dir.path() + "/outside.conf" + outside);
  EXPECT_TRUE(has(err("IncludeOptional /etc/passwd\n", o), "'/etc/passwd" + outside));
  EXPECT_TRUE(has(err("Include root/../outside.conf\n", o), outside));
  EXPECT_TRUE(has(err("Include root/sub/.*\n", o), "root/sub/.." + outside));
  EXPECT_TRUE(has(err("Include " + dir.path() + "/rootx/a.conf\n", o), outside));
}

TEST_F(ConfigHostile, SuggestionsIgnoreHugeWords) {
  // Before the length bound this took about a minute for 10 MB; now it is microseconds.
  // The bound is seconds, far from both, so a loaded machine does not matter.
  const std::string huge(10 * kMiB, 'x');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(cfg::closest_name(huge, cfg::directive_names()), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(cfg::closest_name("KeepAliveTimout", cfg::directive_names()), "KeepAliveTimeout");
}

TEST_F(ConfigHostile, ServerNameMustBeAHostName) {
  for (const char* good :
       {"www.example.com", "example.com.", "localhost", "host_1.example:8080", "http://example.com",
        "https://10.0.0.1:8443", "[::1]", "[2001:db8::1]:80"}) {
    auto r = ok(std::string("ServerName ") + good + "\n");
    EXPECT_NE(r.config, nullptr) << good;
  }
  for (const char* bad : {"\"exa mple.com\"", "a..b", ".a", "a,b", "ex%41mple", "[zz]:80", "[::1]x",
                          "\"\"", "http://"}) {
    const std::string e = err(std::string("ServerName ") + bad + "\n");
    EXPECT_TRUE(has(e, "t.conf:1: ServerName: ")) << bad << " -> " << e;
    EXPECT_TRUE(has(e, "is not a valid host[:port]")) << bad << " -> " << e;
  }
  EXPECT_EQ(err("ServerName x:\n"), "t.conf:1: ServerName: port '' is not a number");
  EXPECT_TRUE(has(err("ServerName " + std::string(64, 'a') + ".com\n"), "not a valid host"));
  std::string long_name;
  for (int i = 0; i < 6; ++i) long_name += std::string(50, 'a') + ".";
  EXPECT_TRUE(has(err("ServerName " + long_name + "com\n"), "not a valid host")) << "> 253";
  // A 60 KB ServerName is refused with a short message (a 301 used to carry it).
  const std::string e = err("ServerName " + std::string(60000, 'h') + "\n");
  EXPECT_EQ(e,
            "t.conf:1: ServerName: '" + std::string(64, 'h') + "...' is not a valid host[:port]");
}

TEST_F(ConfigHostile, ErrorDocumentUrlNeedsAHostName) {
  auto r = ok("ErrorDocument 404 http://example.com:8080/missing?x#y\n");
  ASSERT_NE(r.config, nullptr);
  EXPECT_EQ(r.config->error_documents.size(), 1u);
  EXPECT_TRUE(has(err("ErrorDocument 404 http://a..b/x\n"),
                  "t.conf:1: ErrorDocument: URL http://a..b/x: 'a..b' is not a valid host"));
  // With a space it is text (httpd's heuristic): anything goes.
  EXPECT_NE(ok("ErrorDocument 404 \"http://a..b/ is gone\"\n").config, nullptr);
}

TEST_F(ConfigHostile, LogFormatsAreCompiledWhileLoading) {
  dir.mkdir("logs");
  EXPECT_EQ(err("\nLogFormat \"%h %Z\" bad\n"),
            "t.conf:2: LogFormat: Unrecognized LogFormat directive %Z");
  EXPECT_TRUE(has(err("LogFormat \"%h %{User-Agent\"\n"), "t.conf:1: LogFormat: ")) << "%{";
  EXPECT_TRUE(has(err("LogFormat \"%h %{User-Agent\" ua\n"), "t.conf:1: LogFormat: ")) << "%{";
  EXPECT_EQ(err("Timeout 5\nCustomLog logs/a \"%h %Z\"\n"),
            "t.conf:2: CustomLog: Unrecognized LogFormat directive %Z");
  auto r = ok("LogFormat \"%h %>s %{Referer}i\" mine\nCustomLog logs/a mine\n");
  ASSERT_NE(r.config, nullptr);
  EXPECT_EQ(r.config->custom_logs.size(), 1u);
}

TEST_F(ConfigHostile, LogAndPidFilesNeedAnExistingDirectory) {
  EXPECT_EQ(err("ErrorLog nodir/error_log\n"), "t.conf:1: ErrorLog: Cannot access directory '" +
                                                   dir.path() + "/nodir/' for the log file");
  EXPECT_TRUE(has(err("CustomLog nodir/a common\n"), "t.conf:1: CustomLog: Cannot access"));
  EXPECT_TRUE(has(err("TransferLog nodir/a\n"), "t.conf:1: TransferLog: Cannot access"));
  EXPECT_TRUE(has(err("PidFile nodir/p.pid\n"), "t.conf:1: PidFile: Cannot access"));
  EXPECT_TRUE(has(err("ScoreBoardFile nodir/sb\n"), "t.conf:1: ScoreBoardFile: Cannot access"));
  dir.mkdir("logs");
  EXPECT_NE(ok("ErrorLog logs/error_log\nPidFile logs/p.pid\n").config, nullptr);
}

TEST_F(ConfigHostile, UserAndGroupAreResolvedWhileLoading) {
  EXPECT_EQ(err("User no-such-user-tern-test\n"),
            "t.conf:1: User: bad user name no-such-user-tern-test");
  EXPECT_EQ(err("Group no-such-group-tern-test\n"),
            "t.conf:1: Group: bad group name no-such-group-tern-test");
  EXPECT_NE(ok("User root\nGroup #0\n").config, nullptr);
}

TEST_F(ConfigHostile, RequireIpThatLoadsAlsoCompiles) {
  // -t must not pass what start-up (CompiledRequire) then refuses.
  const char* addrs[] = {"10",
                         "10.1",
                         "10.1.",
                         "10.1.2.",
                         "10.1.2.3",
                         "10.0.0.0/8",
                         "192.168.0.0/255.255.0.0",
                         "::1",
                         "2001:db8::/32"};
  for (const char* a : addrs) {
    auto r = ok(std::string("<Location />\nRequire ip ") + a + "\n</Location>\n");
    ASSERT_NE(r.config, nullptr) << a;
    ASSERT_EQ(r.config->sections.size(), 1u) << a;
    ASSERT_TRUE(r.config->sections[0].require.has_value()) << a;
    std::string why;
    EXPECT_TRUE(CompiledRequire::compile(*r.config->sections[0].require, &why)) << a << ": " << why;
  }
  auto r = ok("<Location />\nRequire ip 10.1.\n</Location>\n");
  ASSERT_NE(r.config, nullptr);
  ASSERT_TRUE(r.config->sections[0].require.has_value());
  auto c = CompiledRequire::compile(*r.config->sections[0].require, nullptr);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->allows("10.1.200.3", "127.0.0.1"));
  EXPECT_FALSE(c->allows("10.2.0.1", "127.0.0.1"));
}

}  // namespace
}  // namespace tern
