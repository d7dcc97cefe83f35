#include <gtest/gtest.h>

#include <filesystem>

#include "config/config_loader.h"
#include "config_test_util.h"
#include "mime_config_util.h"

namespace tern {
namespace {

using std::chrono::milliseconds;
using testing::load;
using testing::TempDir;

class ConfigDirectives : public testing::ConfigTest {
 protected:
  // Log, pid and scoreboard files go where start-up can create them.
  ConfigDirectives() {
    dir.mkdir("logs");
    dir.mkdir("run");
  }
};

TEST_F(ConfigDirectives, Defaults) {
  auto c = ok("");
  EXPECT_EQ(c->server_root, dir.path());
  EXPECT_EQ(c->config_file, "t.conf");
  EXPECT_EQ(c->document_root, dir.path() + "/htdocs");
  EXPECT_EQ(c->server_name, "");
  EXPECT_EQ(c->directory_index, std::vector<std::string>{"index.html"});
  EXPECT_TRUE(testing::server_added_types(*c).empty());
  EXPECT_EQ(c->types_config, std::filesystem::exists("/etc/mime.types") ? "/etc/mime.types" : "");
  EXPECT_TRUE(c->keep_alive);
  EXPECT_EQ(c->keep_alive_timeout, milliseconds(5000));
  EXPECT_EQ(c->max_keep_alive_requests, 100);
  EXPECT_EQ(c->timeout, milliseconds(60000));
  EXPECT_EQ(c->listen_backlog, 511);
  EXPECT_EQ(c->limit_request_line, 8190u);
  EXPECT_EQ(c->limit_request_field_size, 8190u);
  EXPECT_EQ(c->limit_request_fields, 100u);
  EXPECT_EQ(c->limit_request_body, 1073741824u);
  EXPECT_EQ(c->error_log, dir.path() + "/logs/error_log");
  EXPECT_EQ(c->pid_file, dir.path() + "/logs/httpd.pid");
  EXPECT_EQ(c->log_level, LogLevel::kWarn);
  EXPECT_EQ(c->log_formats.at("common"), "%h %l %u %t \"%r\" %>s %b");
  EXPECT_EQ(c->log_formats.at("combined"),
            "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"");
  EXPECT_TRUE(c->custom_logs.empty());
  EXPECT_EQ(c->server_tokens, ServerTokens::kFull);
  EXPECT_TRUE(c->enable_sendfile);
  EXPECT_EQ(c->max_ranges, 200);
  EXPECT_FALSE(c->trace_enable);
  EXPECT_EQ(c->header_read_timeout.initial_seconds, 20);
  EXPECT_EQ(c->header_read_timeout.max_seconds, 40);
  EXPECT_EQ(c->header_read_timeout.min_rate, 500);
  EXPECT_EQ(c->body_read_timeout.initial_seconds, 20);
  EXPECT_DOUBLE_EQ(c->async_request_worker_factor, 256.0);  // tern: a wait holds no thread
  EXPECT_EQ(c->start_servers, 3);
  EXPECT_EQ(c->server_limit, 16);
  EXPECT_EQ(c->thread_limit, 64);
  EXPECT_EQ(c->threads_per_child, 25);
  EXPECT_EQ(c->max_request_workers, 400);
  EXPECT_EQ(c->min_spare_threads, 75);
  EXPECT_EQ(c->max_spare_threads, 250);
  EXPECT_EQ(c->max_connections_per_child, 0);
  EXPECT_EQ(c->graceful_shutdown_timeout, milliseconds(0));
  EXPECT_EQ(c->user, "");
  EXPECT_EQ(c->scoreboard_file, "");
  EXPECT_TRUE(c->extended_status);
  EXPECT_TRUE(c->sections.empty());
  EXPECT_TRUE(c->warnings.empty());
  ASSERT_EQ(c->listens.size(), 1u);
  EXPECT_EQ(c->listens[0].file, "(command line)");
  EXPECT_EQ(c->listens[0].line, 1);
}

TEST_F(ConfigDirectives, Listen) {
  LoadOptions o;
  o.server_root = dir.path();
  auto r = load_config_text(
      "Listen 80\nListen 127.0.0.1:8080 http\nListen [::1]:443\n"
      "Listen *:81\n",
      "t.conf", o);
  ASSERT_EQ(r.error, "");
  const auto& l = r.config->listens;
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[0].host, "");
  EXPECT_EQ(l[0].port, 80);
  EXPECT_EQ(l[1].host, "127.0.0.1");
  EXPECT_EQ(l[1].port, 8080);
  EXPECT_EQ(l[2].host, "::1");
  EXPECT_EQ(l[2].port, 443);
  EXPECT_EQ(l[3].host, "");
  EXPECT_EQ(l[3].line, 4);
  EXPECT_EQ(l[3].file, "t.conf");
}

TEST_F(ConfigDirectives, ListenErrors) {
  EXPECT_EQ(err("\nListen 8080\n"),
            "t.conf:2: Listen: duplicate Listen 8080 (already at (command line):1)");
  EXPECT_EQ(err("Listen *:8080\n"),
            "t.conf:1: Listen: duplicate Listen *:8080 (already at (command line):1)");
  EXPECT_EQ(err("Listen 1.2.3.4:81\n\nListen 1.2.3.4:81\n"),
            "t.conf:3: Listen: duplicate Listen 1.2.3.4:81 (already at t.conf:1)");
  EXPECT_EQ(err("Listen 0\n"), "t.conf:1: Listen: port '0' is out of range (1..65535)");
  EXPECT_EQ(err("Listen 65536\n"), "t.conf:1: Listen: port '65536' is out of range (1..65535)");
  EXPECT_EQ(err("Listen 80x\n"), "t.conf:1: Listen: port '80x' is not a number");
  EXPECT_EQ(err("Listen -1\n"), "t.conf:1: Listen: port '-1' must not be negative");
  EXPECT_EQ(err("Listen 1.2.3:80\n"),
            "t.conf:1: Listen: '1.2.3' is not a numeric IPv4 address "
            "(tern does not resolve host names)");
  EXPECT_EQ(err("Listen [::g]:80\n"), "t.conf:1: Listen: '::g' is not a valid IPv6 address");
  EXPECT_EQ(err("Listen [::1\n"), "t.conf:1: Listen: unterminated IPv6 address '[::1'");
  EXPECT_EQ(err("Listen [::1]\n"), "t.conf:1: Listen: port number is missing in '[::1]'");
  EXPECT_EQ(err("Listen ::1:80\n"),
            "t.conf:1: Listen: IPv6 address '::1:80' must be written in "
            "[brackets]");
  EXPECT_EQ(err("Listen 1.2.3.4:\n"), "t.conf:1: Listen: port number is missing in '1.2.3.4:'");
  EXPECT_EQ(err("Listen 81 ftp\n"),
            "t.conf:1: Listen: protocol 'ftp' is not supported by "
            "tern (http or https)");
}

TEST_F(ConfigDirectives, ListenKeepsTheProtocol) {
  EXPECT_EQ(ok("Listen 81 HTTPS\n")->listens.back().protocol, "https");
  EXPECT_EQ(ok("Listen 81\n")->listens.back().protocol, "http");
  // httpd's listen.c: port 443 without a protocol is https (TLS only with certificates).
  EXPECT_EQ(ok("Listen 443\n")->listens.back().protocol, "https");
  EXPECT_TRUE(ok("Listen 443\n")->listens.back().protocol_default);
  EXPECT_EQ(ok("Listen 443 http\n")->listens.back().protocol, "http");
  EXPECT_FALSE(ok("Listen 443 http\n")->listens.back().protocol_default);
}

TEST_F(ConfigDirectives, ServerName) {
  EXPECT_EQ(ok("ServerName www.example.com\n")->server_name, "www.example.com");
  EXPECT_EQ(ok("ServerName www.example.com:8080\n")->server_name, "www.example.com:8080");
  EXPECT_EQ(ok("ServerName https://example.com:443\n")->server_name, "example.com:443");
  EXPECT_EQ(ok("ServerName [::1]:80\n")->server_name, "[::1]:80");
  EXPECT_EQ(err("ServerName ftp://x\n"),
            "t.conf:1: ServerName: scheme 'ftp' is not http or "
            "https");
  EXPECT_EQ(err("ServerName x:99999\n"),
            "t.conf:1: ServerName: port '99999' is out of range "
            "(1..65535)");
  EXPECT_EQ(err("ServerName x/y\n"), "t.conf:1: ServerName: 'x/y' is not a valid host[:port]");
}

TEST_F(ConfigDirectives, DocumentRoot) {
  dir.mkdir("www/");
  EXPECT_EQ(ok("DocumentRoot www/\n")->document_root, dir.path() + "/www");
  EXPECT_EQ(ok("DocumentRoot \"" + dir.path() + "/www\"\n")->document_root, dir.path() + "/www");
  EXPECT_EQ(err("DocumentRoot nope\n"), "t.conf:1: DocumentRoot: DocumentRoot '" + dir.path() +
                                            "/nope' is not a directory, or is not readable");
  dir.write("file", "");
  EXPECT_NE(err("DocumentRoot file\n"), "");
}

TEST_F(ConfigDirectives, DirectoryIndex) {
  EXPECT_EQ(ok("DirectoryIndex a.html b.html\nDirectoryIndex c.html\n")->directory_index,
            (std::vector<std::string>{"a.html", "b.html", "c.html"}));
  EXPECT_TRUE(ok("DirectoryIndex disabled\n")->directory_index.empty());
  EXPECT_EQ(ok("DirectoryIndex disabled\nDirectoryIndex x\n")->directory_index,
            std::vector<std::string>{"x"});
  EXPECT_EQ(err("DirectoryIndex a disabled\n"),
            "t.conf:1: DirectoryIndex: 'disabled' must be the only argument");
}

TEST_F(ConfigDirectives, TypesConfigAndAddType) {
  const std::string types = dir.write("conf/mime.types", "text/html html\n");
  EXPECT_EQ(ok("TypesConfig conf/mime.types\n")->types_config, types);
  EXPECT_EQ(err("TypesConfig conf/none.types\n"),
            "t.conf:1: TypesConfig: could not open mime types config file " + dir.path() +
                "/conf/none.types");
  auto c = ok("AddType Text/X-Foo .FOO bar\nAddType text/y bar\n");
  EXPECT_EQ(testing::server_added_types(*c).at("foo"), "text/x-foo");
  EXPECT_EQ(testing::server_added_types(*c).at("bar"), "text/y");
  EXPECT_EQ(err("AddType nonsense foo\n"),
            "t.conf:1: AddType: 'nonsense' is not a media type (type/subtype)");
  EXPECT_EQ(err("AddType text/x .\n"), "t.conf:1: AddType: empty file extension");
}

TEST_F(ConfigDirectives, KeepAliveAndTimeouts) {
  auto c =
      ok("KeepAlive Off\nKeepAliveTimeout 500ms\nMaxKeepAliveRequests 0\nTimeout 30\n"
         "GracefulShutdownTimeout 2mi\n");
  EXPECT_FALSE(c->keep_alive);
  EXPECT_EQ(c->keep_alive_timeout, milliseconds(500));
  EXPECT_EQ(c->max_keep_alive_requests, 0);
  EXPECT_EQ(c->timeout, milliseconds(30000));
  EXPECT_EQ(c->graceful_shutdown_timeout, milliseconds(120000));
  EXPECT_EQ(ok("KeepAliveTimeout 3s\nTimeout 1h\n")->timeout, milliseconds(3600000));
  EXPECT_EQ(err("KeepAliveTimeout 5x\n"),
            "t.conf:1: KeepAliveTimeout: '5x' has an unknown time unit (use ms, s, mi or h)");
  EXPECT_EQ(err("Timeout -5\n"), "t.conf:1: Timeout: '-5' is not a valid time");
  EXPECT_EQ(err("Timeout 99999999999999\n"),
            "t.conf:1: Timeout: '99999999999999' is out of range (0..2147483647)");
  EXPECT_EQ(err("MaxKeepAliveRequests -1\n"),
            "t.conf:1: MaxKeepAliveRequests: '-1' must not be negative");
  EXPECT_EQ(err("MaxKeepAliveRequests 1e3\n"),
            "t.conf:1: MaxKeepAliveRequests: '1e3' is not a number");
}

TEST_F(ConfigDirectives, Limits) {
  auto c =
      ok("ListenBacklog 1024\nLimitRequestLine 4000\nLimitRequestFieldSize 100\n"
         "LimitRequestFields 0\nLimitRequestBody 0\n");
  EXPECT_EQ(c->listen_backlog, 1024);
  EXPECT_EQ(c->limit_request_line, 4000u);
  EXPECT_EQ(c->limit_request_field_size, 100u);
  EXPECT_EQ(c->limit_request_fields, 0u);
  EXPECT_EQ(c->limit_request_body, 0u);
  EXPECT_EQ(ok("LimitRequestBody 2147483647\n")->limit_request_body, 2147483647u);
  EXPECT_EQ(err("LimitRequestBody 2147483648\n"),
            "t.conf:1: LimitRequestBody: '2147483648' is out of range (0..2147483647)");
  EXPECT_EQ(err("LimitRequestBody 99999999999999999999999\n"),
            "t.conf:1: LimitRequestBody: '99999999999999999999999' is out of range "
            "(0..2147483647)");
  EXPECT_EQ(err("ListenBacklog 0\n"),
            "t.conf:1: ListenBacklog: '0' is out of range "
            "(1..2147483647)");
  EXPECT_EQ(err("LimitRequestLine 10k\n"), "t.conf:1: LimitRequestLine: '10k' is not a number");
  EXPECT_EQ(err("LimitRequestFields -2\n"),
            "t.conf:1: LimitRequestFields: '-2' must not be negative");
  EXPECT_EQ(err("LimitRequestFieldSize +\n"),
            "t.conf:1: LimitRequestFieldSize: '+' is not a number");
}

TEST_F(ConfigDirectives, ErrorLogAndLogLevel) {
  EXPECT_EQ(ok("ErrorLog logs/err.log\n")->error_log, dir.path() + "/logs/err.log");
  EXPECT_EQ(ok("ErrorLog /var/log/x\n")->error_log, "/var/log/x");
  EXPECT_EQ(err("ErrorLog \"|/usr/bin/rotatelogs\"\n"),
            "t.conf:1: ErrorLog: piped logs not supported");
  EXPECT_EQ(err("ErrorLog syslog:local1\n"),
            "t.conf:1: ErrorLog: syslog is not supported by "
            "tern");
  EXPECT_EQ(ok("LogLevel debug\n")->log_level, LogLevel::kDebug);
  EXPECT_EQ(ok("LogLevel EMERG\n")->log_level, LogLevel::kEmerg);
  EXPECT_EQ(ok("LogLevel trace8\n")->log_level, LogLevel::kTrace);
  EXPECT_EQ(ok("LogLevel ssl:warn info core:trace3\n")->log_level, LogLevel::kInfo);
  EXPECT_EQ(ok("LogLevel notice\nLogLevel ssl:debug\n")->log_level, LogLevel::kNotice);
  EXPECT_EQ(ok("LogLevel crit\nLogLevel alert error\n")->log_level, LogLevel::kAlert);
  EXPECT_EQ(err("LogLevel loud\n"),
            "t.conf:1: LogLevel: LogLevel requires level keyword: one of "
            "emerg/alert/crit/error/warn/notice/info/debug/trace1/.../trace8");
  EXPECT_NE(err("LogLevel trace9\n"), "");
  EXPECT_NE(err("LogLevel info ssl:loud\n"), "");
  EXPECT_NE(err("LogLevel :warn\n"), "");
}

TEST_F(ConfigDirectives, LogFormatCustomLogTransferLog) {
  auto c =
      ok("CustomLog logs/a common\n"
         "LogFormat \"%h %>s\" common\n"
         "CustomLog logs/b common\n"
         "CustomLog /tmp/c \"%h %D\"\n"
         "CustomLog logs/d combined\n"
         "TransferLog logs/e\n"
         "LogFormat \"%h only\"\n"
         "TransferLog logs/f\n"
         "LogFormat combined\n"
         "TransferLog logs/g\n");
  ASSERT_EQ(c->custom_logs.size(), 7u);
  EXPECT_EQ(c->custom_logs[0].path, dir.path() + "/logs/a");
  EXPECT_EQ(c->custom_logs[0].format, "%h %l %u %t \"%r\" %>s %b");
  EXPECT_EQ(c->custom_logs[1].format, "%h %>s");  // resolved when read, after redefinition
  EXPECT_EQ(c->custom_logs[2].path, "/tmp/c");
  EXPECT_EQ(c->custom_logs[2].format, "%h %D");
  EXPECT_EQ(c->custom_logs[3].format, c->log_formats.at("combined"));
  EXPECT_EQ(c->custom_logs[4].format, "%h %l %u %t \"%r\" %>s %b");  // TransferLog default
  EXPECT_EQ(c->custom_logs[5].format, "%h only");
  EXPECT_EQ(c->custom_logs[6].format, c->log_formats.at("combined"));
  EXPECT_EQ(c->log_formats.at("common"), "%h %>s");
  EXPECT_EQ(err("CustomLog logs/a nosuch\n"),
            "t.conf:1: CustomLog: undefined log format nickname 'nosuch'");
  EXPECT_EQ(err("CustomLog \"|/bin/cat\" common\n"),
            "t.conf:1: CustomLog: piped logs not supported");
  auto cond = ok("CustomLog logs/a common env=!dontlog\nCustomLog logs/b common env=only\n");
  EXPECT_EQ(cond->custom_logs[0].env, "dontlog");
  EXPECT_TRUE(cond->custom_logs[0].env_negated);
  EXPECT_EQ(cond->custom_logs[1].env, "only");
  EXPECT_FALSE(cond->custom_logs[1].env_negated);
  EXPECT_EQ(err("CustomLog logs/a common expr=true\n"),
            "t.conf:1: CustomLog: conditional logging by expression ('expr=true') is not "
            "supported; use env=[!]VAR");
  EXPECT_EQ(err("CustomLog logs/a common nonsense\n"),
            "t.conf:1: CustomLog: error in condition clause");
  EXPECT_EQ(err("LogFormat \"%h\" bad%nick\n"),
            "t.conf:1: LogFormat: LogFormat nickname 'bad%nick' must not contain %");
  EXPECT_EQ(err("LogFormat nosuch\n"),
            "t.conf:1: LogFormat: undefined log format nickname "
            "'nosuch'");
  EXPECT_EQ(err("TransferLog |x\n"), "t.conf:1: TransferLog: piped logs not supported");
  EXPECT_EQ(err("CustomLog \"\" common\n"), "t.conf:1: CustomLog: empty log file name");
}

TEST_F(ConfigDirectives, PidFileServerTokensSendfile) {
  EXPECT_EQ(ok("PidFile run/tern.pid\n")->pid_file, dir.path() + "/run/tern.pid");
  const std::pair<const char*, ServerTokens> tokens[] = {
      {"Full", ServerTokens::kFull},       {"os", ServerTokens::kOS},
      {"Minimal", ServerTokens::kMinimal}, {"Min", ServerTokens::kMinimal},
      {"Minor", ServerTokens::kMinor},     {"Major", ServerTokens::kMajor},
      {"Prod", ServerTokens::kProd},       {"ProductOnly", ServerTokens::kProd}};
  for (const auto& [word, value] : tokens)
    EXPECT_EQ(ok(std::string("ServerTokens ") + word + "\n")->server_tokens, value) << word;
  EXPECT_EQ(err("ServerTokens None\n"),
            "t.conf:1: ServerTokens: 'None' is not one of Full, OS, Minimal, Minor, Major, Prod");
  EXPECT_FALSE(ok("EnableSendfile off\n")->enable_sendfile);
  EXPECT_EQ(err("EnableSendfile 1\n"),
            "t.conf:1: EnableSendfile: EnableSendfile must be On or "
            "Off");
}

TEST_F(ConfigDirectives, MaxRangesAndTraceEnable) {
  EXPECT_EQ(ok("MaxRanges default\n")->max_ranges, 200);
  EXPECT_EQ(ok("MaxRanges unlimited\n")->max_ranges, -1);
  EXPECT_EQ(ok("MaxRanges none\n")->max_ranges, 0);
  EXPECT_EQ(ok("MaxRanges 10\n")->max_ranges, 10);
  EXPECT_EQ(err("MaxRanges 0\n"),
            "t.conf:1: MaxRanges: '0' is out of range (1..2147483647); "
            "use default, unlimited, none or a positive number");
  EXPECT_TRUE(ok("TraceEnable on\n")->trace_enable);
  EXPECT_TRUE(ok("TraceEnable extended\n")->trace_enable);
  EXPECT_FALSE(ok("TraceEnable on\nTraceEnable Off\n")->trace_enable);
  EXPECT_EQ(err("TraceEnable maybe\n"), "t.conf:1: TraceEnable: must be On, Off or extended");
}

TEST_F(ConfigDirectives, ErrorDocument) {
  auto c =
      ok("ErrorDocument 404 /missing.html\n"
         "ErrorDocument 500 http://example.com/oops\n"
         "ErrorDocument 403 \"Go away\"\n"
         "ErrorDocument 503 busy\n"
         "ErrorDocument 502 \"/quoted/path\"\n"
         "ErrorDocument 404 /other.html\n"
         "ErrorDocument 503 default\n"
         "ErrorDocument 410 mailto:webmaster@example.com\n"
         "ErrorDocument 401 https://example.com/login\n");
  using K = ErrorDocumentSpec::Kind;
  ASSERT_EQ(c->error_documents.size(), 5u);
  EXPECT_EQ(c->error_documents[0].status, 500);
  EXPECT_EQ(c->error_documents[0].kind, K::kRedirect);
  EXPECT_EQ(c->error_documents[0].value, "http://example.com/oops");
  EXPECT_EQ(c->error_documents[1].status, 403);
  EXPECT_EQ(c->error_documents[1].kind, K::kText);
  EXPECT_EQ(c->error_documents[1].value, "Go away");
  // httpd's heuristic ignores the quotes: no space and a leading '/' make a local URL.
  EXPECT_EQ(c->error_documents[2].status, 502);
  EXPECT_EQ(c->error_documents[2].kind, K::kLocalPath);
  EXPECT_EQ(c->error_documents[3].status, 404);
  EXPECT_EQ(c->error_documents[3].kind, K::kLocalPath);
  EXPECT_EQ(c->error_documents[3].value, "/other.html");
  EXPECT_EQ(c->error_documents[4].status, 410);  // any scheme is a URL (ap_is_url)
  EXPECT_EQ(c->error_documents[4].kind, K::kRedirect);
  // A full URL for 401 would lose the challenge: ignored, as httpd's AH00113.
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_EQ(c->warnings[0],
            "t.conf:9: cannot use a full URL in a 401 ErrorDocument directive --- ignoring!");
  EXPECT_EQ(err("ErrorDocument 200 /x\n"),
            "t.conf:1: ErrorDocument: unsupported HTTP response code 200 (400..599)");
  EXPECT_EQ(err("ErrorDocument abc /x\n"),
            "t.conf:1: ErrorDocument: unsupported HTTP response code abc (400..599)");
}

TEST_F(ConfigDirectives, ErrorDocumentInSectionsAndHtaccess) {
  // Sections keep their own entries (core's per-directory configuration); the server's
  // list holds only the server level's.
  auto c =
      ok("ErrorDocument 404 /top.html\n"
         "<Directory /srv>\nErrorDocument 404 \"in srv\"\nErrorDocument 403 default\n"
         "</Directory>\n"
         "<Location /x>\nErrorDocument 500 /x.html\n</Location>\n"
         "<Files \"*.php\">\nErrorDocument 404 /php.html\n</Files>\n");
  ASSERT_EQ(c->error_documents.size(), 1u);
  EXPECT_EQ(c->error_documents[0].value, "/top.html");
  EXPECT_EQ(c->sections.size(), 3u);
  EXPECT_EQ(err("<Directory /srv>\nErrorDocument 99 /x\n</Directory>\n"),
            "t.conf:2: ErrorDocument: unsupported HTTP response code 99 (400..599)");
}

TEST_F(ConfigDirectives, RequestReadTimeout) {
  auto c = ok("RequestReadTimeout handshake=5 header=10-30,MinRate=100 body=15\n");
  EXPECT_EQ(c->header_read_timeout.initial_seconds, 10);
  EXPECT_EQ(c->header_read_timeout.max_seconds, 30);
  EXPECT_EQ(c->header_read_timeout.min_rate, 100);
  EXPECT_EQ(c->body_read_timeout.initial_seconds, 15);
  EXPECT_EQ(c->body_read_timeout.max_seconds, 0);
  EXPECT_EQ(c->body_read_timeout.min_rate, 0);
  c = ok("RequestReadTimeout header=0 body=20,minrate=500\n");
  EXPECT_EQ(c->header_read_timeout.initial_seconds, 0);
  EXPECT_EQ(c->body_read_timeout.min_rate, 500);
  const char* p = "t.conf:1: RequestReadTimeout: ";
  EXPECT_EQ(err("RequestReadTimeout header\n"),
            std::string(p) + "'header' must be of the form type=timeout");
  EXPECT_EQ(err("RequestReadTimeout header=20-40\n"),
            std::string(p) + "Must set MinRate option if using timeout range");
  EXPECT_EQ(err("RequestReadTimeout header=40-20,MinRate=1\n"),
            std::string(p) + "header: maximum timeout must be larger than initial timeout");
  EXPECT_EQ(err("RequestReadTimeout header=x\n"),
            std::string(p) + "header: timeout 'x' is not a number");
  EXPECT_EQ(err("RequestReadTimeout header=1-x,MinRate=1\n"),
            std::string(p) + "header: maximum timeout 'x' is not a number");
  EXPECT_EQ(err("RequestReadTimeout header=1,Rate=5\n"),
            std::string(p) + "unknown option 'Rate=5' (only MinRate=)");
  EXPECT_EQ(err("RequestReadTimeout header=1,MinRate=0\n"),
            std::string(p) + "MinRate '0' is out of range (1..2147483647)");
  EXPECT_EQ(err("RequestReadTimeout trailer=1\n"),
            std::string(p) + "unknown timeout type 'trailer' (handshake, header or body)");
}

TEST_F(ConfigDirectives, ProcessAndStatusDirectives) {
  auto c =
      ok("AsyncRequestWorkerFactor 1.5\nMaxConnectionsPerChild 1000\nUser www-data\n"
         "Group www-data\nScoreBoardFile run/sb\nExtendedStatus Off\n");
  EXPECT_DOUBLE_EQ(c->async_request_worker_factor, 1.5);
  EXPECT_EQ(c->max_connections_per_child, 1000);
  EXPECT_EQ(c->user, "www-data");
  EXPECT_EQ(c->group, "www-data");
  EXPECT_EQ(c->scoreboard_file, dir.path() + "/run/sb");
  EXPECT_FALSE(c->extended_status);
  EXPECT_EQ(err("AsyncRequestWorkerFactor 0\n"),
            "t.conf:1: AsyncRequestWorkerFactor: '0' must be positive");
  EXPECT_EQ(err("AsyncRequestWorkerFactor 1.x\n"),
            "t.conf:1: AsyncRequestWorkerFactor: '1.x' is not a decimal number");
  EXPECT_EQ(err("AsyncRequestWorkerFactor .\n"),
            "t.conf:1: AsyncRequestWorkerFactor: '.' is not a decimal number");
  EXPECT_EQ(err("AsyncRequestWorkerFactor 10000000\n"),
            "t.conf:1: AsyncRequestWorkerFactor: '10000000' is too large");
  EXPECT_EQ(err("StartServers x\n"), "t.conf:1: StartServers: 'x' is not a number");
}

TEST_F(ConfigDirectives, DeprecatedAliasesWarn) {
  auto c = ok("MaxClients 50\nMaxRequestsPerChild 7\n");
  EXPECT_EQ(c->max_request_workers, 50);
  EXPECT_EQ(c->max_connections_per_child, 7);
  ASSERT_GE(c->warnings.size(), 2u);
  EXPECT_EQ(c->warnings[0], "t.conf:1: MaxClients is deprecated, use MaxRequestWorkers instead");
  EXPECT_EQ(c->warnings[1],
            "t.conf:2: MaxRequestsPerChild is deprecated, use MaxConnectionsPerChild");
}

TEST_F(ConfigDirectives, ServerRootDirective) {
  EXPECT_EQ(err("ServerRoot /nonexistent/dir\n"),
            "t.conf:1: ServerRoot: ServerRoot must be a valid directory ('/nonexistent/dir')");
  EXPECT_EQ(ok("ServerRoot /tmp/\n")->server_root, "/tmp");
}

}  // namespace
}  // namespace tern
