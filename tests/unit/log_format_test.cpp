#include "log/log_format.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>

#include "http/request.h"
#include "http/response.h"
#include "log/log_escape.h"
#include "log/log_time.h"

namespace tern {
namespace {

constexpr int64_t kStart = 1795678200LL * 1000000 + 123456;  // 2026-11-26 07:30:00.123456 UTC

class LogFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC0", 1);
    tzset();
    req.method = Method::kGet;
    req.method_name = "GET";
    req.target = "/a%20b/c.html?x=1";
    req.path = "/a%20b/c.html";
    req.query = "x=1";
    req.has_query = true;
    req.host = "example.com:8080";
    req.request_line = "GET /a%20b/c.html?x=1 HTTP/1.1";
    req.headers = {{"Host", "example.com:8080"},
                   {"User-Agent", "curl/8.0"},
                   {"Referer", "http://r.example/"},
                   {"Accept", "a"},
                   {"Accept", "b"},
                   {"Cookie", "a=1; sess = xyz ; c=3"}};
    resp.add_header("Content-Type", "text/html; charset=utf-8");
    resp.add_header("Set-Cookie", "a=1");
    resp.add_header("Set-Cookie", "b=2");
    resp.add_header("ETag", "\"abc\"");
    rec.req = &req;
    rec.request_line = req.request_line;
    rec.original_status = 200;
    rec.final_status = 200;
    rec.body_bytes = 600;
    rec.bytes_in = 120;
    rec.bytes_out = 850;
    rec.client_ip = "192.0.2.7";
    rec.client_port = 54321;
    rec.local_ip = "127.0.0.1";
    rec.local_port = 8080;
    rec.server_name = "www.example.org";
    rec.filename = "/srv/htdocs/a b/c.html";
    rec.request_time_us = kStart;
    rec.duration_us = 2345678;
    rec.keepalive_count = 3;
    rec.conn_status = '+';
    rec.resp = &resp;
  }

  std::string fmt(std::string_view f) { return fmt(f, rec); }
  std::string fmt(std::string_view f, const AccessRecord& r) {
    std::string err;
    auto lf = LogFormat::compile(f, &err);
    EXPECT_TRUE(lf.has_value()) << f << ": " << err;
    if (!lf) return "<compile error>";
    std::string out;
    lf->format(r, out);
    return out;
  }
  std::string error_of(std::string_view f) {
    std::string err;
    auto lf = LogFormat::compile(f, &err);
    EXPECT_FALSE(lf.has_value()) << f;
    return err;
  }

  Request req;
  Response resp;
  AccessRecord rec;
};

TEST_F(LogFormatTest, AddressesAndPorts) {
  EXPECT_EQ(fmt("%a|%{c}a|%h|%A"), "192.0.2.7|192.0.2.7|192.0.2.7|127.0.0.1");
  EXPECT_EQ(fmt("%p|%{canonical}p|%{local}p|%{remote}p|%{REMOTE}p"), "8080|8080|8080|54321|54321");
  rec.server_name = "www.example.org:443";
  EXPECT_EQ(fmt("%p %{local}p %v"), "443 8080 www.example.org");
  rec.client_ip = {};
  EXPECT_EQ(fmt("%a"), "-");
}

TEST_F(LogFormatTest, SizesAndDurations) {
  EXPECT_EQ(fmt("%b %B %I %O %S"), "600 600 120 850 970");
  rec.body_bytes = 0;
  EXPECT_EQ(fmt("%b %B"), "- 0");
  EXPECT_EQ(fmt("%D %T %{s}T %{ms}T %{us}T %{MS}T"), "2345678 2 2 2345 2345678 2345");
}

TEST_F(LogFormatTest, RequestParts) {
  EXPECT_EQ(fmt("%m %U%q %H"), "GET /a b/c.html?x=1 HTTP/1.1");
  EXPECT_EQ(fmt("%r"), "GET /a%20b/c.html?x=1 HTTP/1.1");
  rec.request_line = {};  // falls back to the parsed request's line
  EXPECT_EQ(fmt("%r"), "GET /a%20b/c.html?x=1 HTTP/1.1");
  req.has_query = false;
  req.query = {};
  EXPECT_EQ(fmt("[%q]"), "[]");
  req.version_minor = 0;
  EXPECT_EQ(fmt("%H"), "HTTP/1.0");
  req.path = "/%41%zz%2";  // valid escape decoded, invalid ones kept
  EXPECT_EQ(fmt("%U"), "/A%zz%2");
  req.path = "/%0a%22";
  EXPECT_EQ(fmt("%U"), "/\\n\\\"");
  EXPECT_EQ(fmt("%f"), "/srv/htdocs/a b/c.html");
  rec.filename = {};
  EXPECT_EQ(fmt("%f"), "-");
}

TEST_F(LogFormatTest, ConstantDashes) {
  EXPECT_EQ(fmt("%l %u %L %{HOME}e %{note}n %e"), "- - - - - -");
}

TEST_F(LogFormatTest, RemoteUser) {
  // mod_log_config's log_remote_user: the user escaped, "" quoted when empty, - when none.
  resp.user = "al \"ice\"";
  EXPECT_EQ(fmt("%u"), "al \\\"ice\\\"");
  resp.user = "";
  EXPECT_EQ(fmt("%u"), "\"\"");
  resp.user.reset();
  EXPECT_EQ(fmt("%u"), "-");
  resp.user = "bob";
  rec.resp = nullptr;
  EXPECT_EQ(fmt("%u"), "-");
}

TEST_F(LogFormatTest, EnvironmentVariables) {
  resp.set_env("FOO", "a \"b\"");
  resp.set_env("EMPTY", "");
  // httpd's log_env_var: case-insensitive names, escaped values, "" for an empty value.
  EXPECT_EQ(fmt("%{FOO}e|%{foo}e|%{EMPTY}e|%{NONE}e"), "a \\\"b\\\"|a \\\"b\\\"||-");
}

TEST_F(LogFormatTest, Status) {
  rec.original_status = 302;
  rec.final_status = 404;
  EXPECT_EQ(fmt("%s %<s %>s"), "302 302 404");
}

TEST_F(LogFormatTest, ServerNames) {
  EXPECT_EQ(fmt("%v %V"), "www.example.org example.com");
  req.host = "[::1]:8080";
  EXPECT_EQ(fmt("%V"), "[::1]");
  req.host = {};
  EXPECT_EQ(fmt("%V"), "www.example.org");
  rec.server_name = {};
  EXPECT_EQ(fmt("%v"), "-");
}

TEST_F(LogFormatTest, ConnectionStatusAndKeepalives) {
  EXPECT_EQ(fmt("%X %k"), "+ 3");
  rec.conn_status = 'X';
  EXPECT_EQ(fmt("%X"), "X");
  rec.conn_status = '-';
  rec.keepalive_count = 0;
  EXPECT_EQ(fmt("%X %k"), "- 0");
  rec.conn_status = 0;
  EXPECT_EQ(fmt("%X"), "-");
}

TEST_F(LogFormatTest, ProcessAndThread) {
  long tid = ::syscall(SYS_gettid);
  char hex[32];
  snprintf(hex, sizeof(hex), "%lx", tid);
  EXPECT_EQ(fmt("%P %{pid}P"), std::to_string(getpid()) + " " + std::to_string(getpid()));
  EXPECT_EQ(fmt("%{tid}P"), std::to_string(tid));
  EXPECT_EQ(fmt("%{hextid}P"), hex);
}

TEST_F(LogFormatTest, Headers) {
  EXPECT_EQ(fmt("%{User-Agent}i|%{user-agent}i"), "curl/8.0|curl/8.0");
  EXPECT_EQ(fmt("%{Accept}i"), "a, b");
  EXPECT_EQ(fmt("%{X-None}i"), "-");
  EXPECT_EQ(fmt("%{Content-Type}o"), "text/html");
  EXPECT_EQ(fmt("%{Set-Cookie}o"), "a=1, b=2");
  EXPECT_EQ(fmt("%{ETag}o"), "\\\"abc\\\"");
  EXPECT_EQ(fmt("%{X-None}o"), "-");
  rec.resp = nullptr;
  EXPECT_EQ(fmt("%{ETag}o"), "-");
  req.headers.push_back({"X-Empty", ""});
  EXPECT_EQ(fmt("[%{X-Empty}i]"), "[]");
}

TEST_F(LogFormatTest, Cookies) {
  EXPECT_EQ(fmt("%{sess}C|%{a}C|%{c}C|%{SESS}C|%{none}C"), "xyz|1|3|xyz|-");
  req.headers = {{"Cookie", "broken; =x; d="}};
  EXPECT_EQ(fmt("%{broken}C %{d}C"), "- -");
}

TEST_F(LogFormatTest, TimeDirectives) {
  EXPECT_EQ(fmt("%t"), "[26/Nov/2026:07:30:00 +0000]");
  EXPECT_EQ(fmt("%{begin}t %{end}t %{begin:}t"),
            "[26/Nov/2026:07:30:00 +0000] [26/Nov/2026:07:30:02 +0000] "
            "[26/Nov/2026:07:30:00 +0000]");
  EXPECT_EQ(fmt("%{sec}t %{msec}t %{usec}t"), "1795678200 1795678200123 1795678200123456");
  EXPECT_EQ(fmt("%{msec_frac}t %{usec_frac}t"), "123 123456");
  EXPECT_EQ(fmt("%{end:sec}t %{end:usec_frac}t %{end:msec_frac}t"), "1795678202 469134 469");
  EXPECT_EQ(fmt("%{%Y-%m-%d %H:%M:%S}t"), "2026-11-26 07:30:00");
  EXPECT_EQ(fmt("%{begin:%H}t %{end:%S}t"), "07 02");
  rec.request_time_us = 1795678200LL * 1000000 + 5000;
  EXPECT_EQ(fmt("%{msec_frac}t.%{usec_frac}t"), "005.005000");
}

TEST_F(LogFormatTest, TimeUsesLocalTimeZone) {
  setenv("TZ", "EST5", 1);
  tzset();
  rec.request_time_us = (1795678200LL + 7777) * 1000000;  // a second no other test uses
  rec.duration_us = 0;
  EXPECT_EQ(fmt("%t"), "[26/Nov/2026:04:39:37 -0500]");
  setenv("TZ", "UTC-5:30", 1);
  tzset();
  rec.request_time_us = (1795678200LL + 7779) * 1000000;
  EXPECT_EQ(fmt("%t"), "[26/Nov/2026:15:09:39 +0530]");
  setenv("TZ", "UTC0", 1);
  tzset();
}

TEST_F(LogFormatTest, TimeIsCachedPerSecondPerThread) {
  rec.request_time_us = (1795678200LL + 5555) * 1000000;
  auto lf = LogFormat::compile("%t", nullptr);
  ASSERT_TRUE(lf);
  std::string out;
  out.reserve(256);
  const char* data = out.data();
  uint64_t before = time_cache_misses();
  for (int i = 0; i < 1000; ++i) {
    out.clear();
    rec.request_time_us += 100;  // same second
    lf->format(rec, out);
  }
  EXPECT_EQ(time_cache_misses() - before, 1u);
  EXPECT_EQ(out, "[26/Nov/2026:09:02:35 +0000]");
  EXPECT_EQ(out.data(), data);  // formatted in place, no reallocation
  // The cache really serves the second: a time-zone change is only seen at the next
  // second (httpd's cache behaves the same).
  setenv("TZ", "EST5", 1);
  tzset();
  out.clear();
  lf->format(rec, out);
  EXPECT_EQ(out, "[26/Nov/2026:09:02:35 +0000]");
  rec.request_time_us += 2000000;
  out.clear();
  lf->format(rec, out);
  EXPECT_EQ(out, "[26/Nov/2026:04:02:37 -0500]");
  setenv("TZ", "UTC0", 1);
  tzset();
  // Another thread has its own cache.
  uint64_t other = 0;
  std::thread t([&] {
    std::string o;
    lf->format(rec, o);
    other = time_cache_misses();
  });
  t.join();
  EXPECT_EQ(other, 1u);
}

TEST_F(LogFormatTest, CombinedFormat) {
  EXPECT_EQ(fmt("%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\""),
            "192.0.2.7 - - [26/Nov/2026:07:30:00 +0000] \"GET /a%20b/c.html?x=1 HTTP/1.1\" 200 "
            "600 \"http://r.example/\" \"curl/8.0\"");
}

TEST_F(LogFormatTest, FormatStringEscapes) {
  EXPECT_EQ(fmt("a\\tb\\nc\\\\d\\\"e\\rf"), "a\tb\nc\\d\"e\rf");
  EXPECT_EQ(fmt("\\q\\"), "\\q\\");  // unknown escapes and a trailing backslash kept
  EXPECT_EQ(fmt("100%% sure"), "100% sure");
  EXPECT_EQ(fmt(""), "");
  EXPECT_EQ(fmt("\"%>s\""), "\"200\"");  // plain quotes are literal
}

TEST_F(LogFormatTest, LoggedStringsAreEscaped) {
  rec.request_line = std::string_view("G\"E\\T \x01\x1b\x7f\xff\xc3\xa9 \b\n\r\t\v", 18);
  EXPECT_EQ(fmt("%r"), "G\\\"E\\\\T \\x01\\x1b\\x7f\\xff\\xc3\\xa9 \\b\\n\\r\\t\\v");
  req.headers = {{"User-Agent", "evil\"\n"}};
  EXPECT_EQ(fmt("%{User-Agent}i"), "evil\\\"\\n");
  req.method_name = "G\tT";
  EXPECT_EQ(fmt("%m"), "G\\tT");
  std::string out;
  append_escaped_logitem(out, std::string_view("\0ok", 3));
  EXPECT_EQ(out, "\\x00ok");
}

TEST_F(LogFormatTest, UnparseableRequest) {
  rec.req = nullptr;
  rec.request_line = "\x16\x03\x01 garbage";
  rec.original_status = rec.final_status = 400;
  EXPECT_EQ(fmt("%m|%U|%q|%H|%r|%{User-Agent}i|%{a}C|%V|%>s"),
            "-|-||-|\\x16\\x03\\x01 garbage|-|-|www.example.org|400");
  rec.request_line = {};
  EXPECT_EQ(fmt("\"%r\""), "\"-\"");
}

TEST_F(LogFormatTest, StatusConditions) {
  rec.final_status = 400;
  EXPECT_EQ(fmt("%400,501{User-agent}i"), "curl/8.0");
  rec.final_status = 501;
  EXPECT_EQ(fmt("%400,501{User-agent}i"), "curl/8.0");
  rec.final_status = 200;
  EXPECT_EQ(fmt("%400,501{User-agent}i"), "-");
  EXPECT_EQ(fmt("%!200,304{Referer}i"), "-");
  rec.final_status = 404;
  EXPECT_EQ(fmt("%!200,304{Referer}i"), "http://r.example/");
  // Conditions test the final status, whatever the directive prints.
  rec.original_status = 200;
  EXPECT_EQ(fmt("%404s %!404s %404>s"), "200 - 404");
  // Modifier order is free, as in httpd.
  EXPECT_EQ(fmt("%{Referer}404i %>!200s"), "http://r.example/ 404");
}

TEST_F(LogFormatTest, CompileErrors) {
  EXPECT_EQ(error_of("%h %Z"), "Unrecognized LogFormat directive %Z");
  EXPECT_EQ(error_of("%^ti"), "Unrecognized LogFormat directive %^");
  EXPECT_EQ(error_of("%\x01"), "Unrecognized LogFormat directive %\\x01");
  EXPECT_EQ(error_of("abc %"), "LogFormat ends inside the directive \"%\"");
  EXPECT_EQ(error_of("%400,501"), "LogFormat ends inside the directive \"%400,501\"");
  EXPECT_EQ(error_of("%{User-Agent"), "Unterminated %{ in LogFormat directive \"%{User-Agent\"");
  EXPECT_EQ(error_of("%{min}T"), "Unknown unit in LogFormat directive %{min}T (use s, ms or us)");
  EXPECT_EQ(error_of("%{x}p"),
            "Unknown argument in LogFormat directive %{x}p (use canonical, local or remote)");
  EXPECT_EQ(error_of("%{x}P"),
            "Unknown argument in LogFormat directive %{x}P (use pid, tid or hextid)");
  EXPECT_EQ(error_of("%i"), "LogFormat directive %i needs a name: %{Name}i");
  EXPECT_EQ(error_of("%{}o"), "LogFormat directive %o needs a name: %{Name}o");
  EXPECT_EQ(error_of("%C"), "LogFormat directive %C needs a name: %{Name}C");
  EXPECT_FALSE(LogFormat::compile("%Z", nullptr).has_value());  // null error pointer is fine
}

TEST(LogEscapeTest, Numbers) {
  std::string out;
  append_uint(out, 0);
  out.push_back(' ');
  append_uint(out, 18446744073709551615ull);
  out.push_back(' ');
  append_int(out, -42);
  out.push_back(' ');
  append_uint_padded(out, 7, 3);
  out.push_back(' ');
  append_uint_padded(out, 12345, 3);
  EXPECT_EQ(out, "0 18446744073709551615 -42 007 12345");
}

TEST(LogEscapeTest, ErrorLogEscapingKeepsQuotes) {
  std::string out;
  append_escaped_errorlog(out, "a \"b\" \\c\nd\x7f");
  EXPECT_EQ(out, "a \"b\" \\c\\nd\\x7f");
}

}  // namespace
}  // namespace tern
