#include "handlers/site_handler.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>

namespace tern {
namespace {

namespace fs = std::filesystem;

// A handler that answers 200 "named" (stands in for server-status).
class NamedHandler : public Handler {
 public:
  void handle(const Request&, const RequestContext&, Response& resp) const override {
    resp.clear();
    resp.append_body("named");
  }
  void error(int status, const Request*, const RequestContext&, Response& resp) const override {
    resp.clear();
    resp.status = status;
  }
};

RequireRule ip_rule(std::vector<std::string> ips) {
  RequireRule r;
  r.kind = RequireRule::Kind::kIp;
  r.ips = std::move(ips);
  return r;
}

class SiteHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tern_site_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    std::ofstream(root_ + "/index.html") << "<h1>home</h1>";
    std::ofstream(root_ + "/a.txt") << "abcdefghijklmnopqrstuvwxyz";
    struct timespec ts[2] = {{784111777, 0}, {784111777, 0}};
    utimensat(AT_FDCWD, (root_ + "/a.txt").c_str(), ts, 0);
    fs::create_directories(root_ + "/docs");
    fs::create_directories(root_ + "/private");
    std::ofstream(root_ + "/private/p.txt") << "secret";
    std::ofstream(root_ + "/status.txt") << "file";
    config_ = std::make_shared<Config>();
    config_->document_root = root_;
    config_->server_name = "www.example.org";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<SiteHandler> make() {
    std::string error;
    auto h = SiteHandler::create(config_, &error);
    EXPECT_TRUE(h) << error;
    if (h) {
      h->register_named_handler("server-status", &named_);
      h->set_error_logger([this](std::string_view m) { log_.append(m); });
    }
    return h;
  }

  Response& run(const SiteHandler& h, Method m, std::string_view name, std::string_view path,
                std::initializer_list<HeaderField> headers = {}) {
    req_ = Request{};
    req_.method = m;
    req_.method_name = name;
    req_.path = path;
    req_.host = "example.com";
    req_.headers.assign(headers.begin(), headers.end());
    resp_.clear();
    h.handle(req_, ctx_, resp_);
    return resp_;
  }

  std::string mem_body() const { return std::string(resp_.body_mem); }

  std::string root_;
  std::shared_ptr<Config> config_;
  NamedHandler named_;
  std::string log_;
  RequestContext ctx_{"192.0.2.7", 40000, "192.0.2.1", 80};
  Request req_;
  Response resp_;
};

TEST_F(SiteHandlerTest, GetFileAndIndex) {
  auto h = make();
  ASSERT_TRUE(h);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt").status, 200);
  EXPECT_EQ(resp_.body_length(), 26u);
  EXPECT_EQ(resp_.header("Content-Type"), "text/plain");
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/").status, 200);
  EXPECT_EQ(resp_.body_length(), 13u);
  EXPECT_EQ(run(*h, Method::kHead, "HEAD", "/a.txt").status, 200);
  EXPECT_EQ(resp_.body_length(), 26u);
}

TEST_F(SiteHandlerTest, RedirectsDirectory) {
  auto h = make();
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/docs").status, 301);
  EXPECT_EQ(resp_.header("Location"), "http://example.com/docs/");
  EXPECT_NE(mem_body().find("href=\"http://example.com/docs/\""), std::string::npos);
}

TEST_F(SiteHandlerTest, ErrorStatuses) {
  auto h = make();
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/docs/").status, 403);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/nope").status, 404);
  EXPECT_EQ(resp_.header("Content-Type"), "text/html; charset=iso-8859-1");
  EXPECT_NE(mem_body().find("404 Not Found"), std::string::npos);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/%zz").status, 400);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/../x").status, 400);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a%2fb").status, 404);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "*").status, 400);
}

TEST_F(SiteHandlerTest, Methods) {
  auto h = make();
  for (auto [m, n] : {std::pair{Method::kPut, "PUT"}, std::pair{Method::kDelete, "DELETE"},
                      std::pair{Method::kPatch, "PATCH"}, std::pair{Method::kTrace, "TRACE"},
                      std::pair{Method::kConnect, "CONNECT"}}) {
    EXPECT_EQ(run(*h, m, n, "/a.txt").status, 405) << n;
    EXPECT_EQ(resp_.header("Allow"), "GET, HEAD, POST, OPTIONS") << n;
  }
  // httpd's default handler delivers a file to POST as to GET.
  EXPECT_EQ(run(*h, Method::kPost, "POST", "/a.txt").status, 200);
  EXPECT_EQ(resp_.body_length(), 26u);
  EXPECT_EQ(run(*h, Method::kOther, "BREW", "/a.txt").status, 501);
  EXPECT_NE(mem_body().find("BREW not supported"), std::string::npos);
  EXPECT_EQ(run(*h, Method::kOptions, "OPTIONS", "/a.txt").status, 200);
  EXPECT_EQ(resp_.header("Allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(resp_.body_length(), 0u);
  EXPECT_EQ(run(*h, Method::kOptions, "OPTIONS", "*").status, 200);
  EXPECT_EQ(resp_.header("Allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(resp_.body_length(), 0u);
}

TEST_F(SiteHandlerTest, TraceEnabled) {
  config_->trace_enable = true;
  auto h = make();
  req_ = Request{};
  req_.method = Method::kTrace;
  req_.method_name = "TRACE";
  req_.path = "/";
  req_.request_line = "TRACE / HTTP/1.1";
  req_.headers = {{"Host", "example.com"}, {"X-A", "1"}};
  resp_.clear();
  h->handle(req_, ctx_, resp_);
  EXPECT_EQ(resp_.status, 200);
  EXPECT_EQ(resp_.header("Content-Type"), "message/http");
  EXPECT_EQ(mem_body(), "TRACE / HTTP/1.1\r\nHost: example.com\r\nX-A: 1\r\n\r\n");
  EXPECT_EQ(run(*h, Method::kPut, "PUT", "/").status, 405);
  EXPECT_EQ(resp_.header("Allow"), "GET, HEAD, POST, OPTIONS, TRACE");
  req_.method = Method::kTrace;
  req_.method_name = "TRACE";
  req_.content_length = 3;
  resp_.clear();
  h->handle(req_, ctx_, resp_);
  EXPECT_EQ(resp_.status, 413);
}

TEST_F(SiteHandlerTest, ConditionalAndRanges) {
  auto h = make();
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt",
                {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}})
                .status,
            304);
  EXPECT_EQ(resp_.body_length(), 0u);
  // httpd answers a failed precondition on a file with its fields and no body.
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt", {{"If-Match", "\"x\""}}).status, 412);
  EXPECT_EQ(resp_.body_length(), 0u);
  EXPECT_TRUE(resp_.header("ETag").has_value());
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt", {{"Range", "bytes=0-4"}}).status, 206);
  EXPECT_EQ(resp_.header("Content-Range"), "bytes 0-4/26");
  EXPECT_EQ(resp_.body_length(), 5u);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt", {{"Range", "bytes=50-"}}).status, 416);
  EXPECT_EQ(resp_.header("Content-Range"), "bytes */26");
  EXPECT_FALSE(resp_.file);
  config_->max_ranges = 0;
  auto no_ranges = make();
  EXPECT_EQ(run(*no_ranges, Method::kGet, "GET", "/a.txt", {{"Range", "bytes=0-4"}}).status, 200);
}

TEST_F(SiteHandlerTest, ErrorMethodUsesPages) {
  config_->error_documents.push_back({503, ErrorDocumentSpec::Kind::kText, "busy"});
  auto h = make();
  h->error(503, nullptr, ctx_, resp_);
  EXPECT_EQ(resp_.status, 503);
  EXPECT_EQ(mem_body(), "busy");
  h->error(405, nullptr, ctx_, resp_);
  EXPECT_EQ(resp_.header("Allow"), "GET, HEAD, POST, OPTIONS");
  h->error(400, nullptr, ctx_, resp_);
  EXPECT_TRUE(resp_.close_connection);
}

TEST_F(SiteHandlerTest, LocationRequire) {
  LocationSpec loc;
  loc.pattern = "/private";
  loc.require = ip_rule({"10.0.0.0/8", "2001:db8::/32"});
  config_->sections.push_back(loc);
  auto h = make();
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/private/p.txt").status, 403);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/private").status, 403);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "//private/./p.txt").status, 403);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/%70rivate/p.txt").status, 403);
  EXPECT_EQ(run(*h, Method::kPost, "POST", "/private/p.txt").status, 403);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt").status, 200);
  ctx_.client_ip = "2001:db8::9";
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/private/p.txt").status, 200);
  ctx_.client_ip = "::ffff:10.2.3.4";
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/private/p.txt").status, 200);
}

TEST_F(SiteHandlerTest, LocationMergeOrder) {
  // <Location> and <LocationMatch> merge in file order, as Debian's apache2 2.4.71 does
  // (its manual: "done simultaneously").
  LocationSpec deny_re;
  deny_re.pattern = "^/private/.*\\.txt$";
  deny_re.is_regex = true;
  deny_re.require = RequireRule{RequireRule::Kind::kAllDenied, false, {}, {}, {}};
  LocationSpec allow_prefix;
  allow_prefix.pattern = "/private";
  allow_prefix.require = RequireRule{RequireRule::Kind::kAllGranted, false, {}, {}, {}};
  config_->sections = {deny_re, allow_prefix};
  auto h = make();
  ctx_.client_ip = "10.0.0.1";
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/private/p.txt").status, 200);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/private/").status, 403);  // no index → 403 anyway
  config_->sections = {allow_prefix, deny_re};
  auto reversed = make();
  EXPECT_EQ(run(*reversed, Method::kGet, "GET", "/private/p.txt").status, 403);
  // Later <Location> overrides an earlier one.
  LocationSpec deny_all;
  deny_all.pattern = "/";
  deny_all.require = RequireRule{RequireRule::Kind::kAllDenied, false, {}, {}, {}};
  config_->sections = {deny_all, allow_prefix};
  auto h2 = make();
  EXPECT_EQ(run(*h2, Method::kGet, "GET", "/private/p.txt").status, 200);
  EXPECT_EQ(run(*h2, Method::kGet, "GET", "/a.txt").status, 403);
}

TEST_F(SiteHandlerTest, SectionsMergePerModuleAndRepeatTheSameAnswer) {
  // SetHandler (core) from one section, Require (authz_core) from later ones: each
  // module's configuration merges on its own, for every set of matching sections.
  LocationSpec named;
  named.pattern = "/server-status";
  named.handler = "server-status";
  LocationSpec deny;
  deny.pattern = "/server-status/private";
  deny.require = RequireRule{RequireRule::Kind::kAllDenied, false, {}, {}, {}};
  LocationSpec regrant;
  regrant.pattern = "^/server-status/private/ok$";
  regrant.is_regex = true;
  regrant.require = RequireRule{RequireRule::Kind::kAllGranted, false, {}, {}, {}};
  LocationSpec plain;
  plain.pattern = "/server-status/private/none";
  plain.handler = "none";
  config_->sections = {named, deny, regrant, plain};
  auto h = make();
  for (int round = 0; round < 3; ++round) {  // the second round reads merged results cached
    EXPECT_EQ(run(*h, Method::kGet, "GET", "/server-status/x").status, 200);
    EXPECT_EQ(mem_body(), "named");
    EXPECT_EQ(run(*h, Method::kGet, "GET", "/server-status/private").status, 403);
    EXPECT_EQ(run(*h, Method::kGet, "GET", "/server-status/private/ok").status, 200);
    EXPECT_EQ(mem_body(), "named");
    // Three sections: the handler is reset to static files, Require still denies.
    EXPECT_EQ(run(*h, Method::kGet, "GET", "/server-status/private/none").status, 403);
    EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt").status, 200);
    EXPECT_EQ(resp_.body_length(), 26u);
  }
}

TEST_F(SiteHandlerTest, NamedHandlers) {
  LocationSpec status;
  status.pattern = "/server-status";
  status.handler = "server-status";
  LocationSpec broken;
  broken.pattern = "/broken";
  broken.handler = "no-such-handler";
  LocationSpec none;
  none.pattern = "/status.txt";
  none.handler = "none";
  LocationSpec re;
  re.pattern = "^/st.*s$";
  re.is_regex = true;
  re.handler = "server-status";
  config_->sections = {status, broken, none, re};
  auto h = make();
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/server-status").status, 200);
  EXPECT_EQ(mem_body(), "named");
  EXPECT_EQ(run(*h, Method::kPost, "POST", "/server-status/x").status, 200);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/server-statusx").status, 404);  // not a prefix match
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/status.txt").status, 200);
  EXPECT_EQ(resp_.body_length(), 4u);  // static file, SetHandler none
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/stats").status, 200);
  EXPECT_EQ(mem_body(), "named");
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/broken").status, 500);
  EXPECT_NE(log_.find("no-such-handler"), std::string::npos);
}

TEST_F(SiteHandlerTest, CreateFailures) {
  std::string error;
  EXPECT_FALSE(SiteHandler::create(nullptr, &error));
  config_->types_config = "/nonexistent/mime.types";
  EXPECT_FALSE(SiteHandler::create(config_, &error));
  EXPECT_NE(error.find("mime.types"), std::string::npos);
  config_->types_config.clear();
  LocationSpec bad_re;
  bad_re.pattern = "([";
  bad_re.is_regex = true;
  bad_re.file = "t.conf";
  bad_re.line = 7;
  config_->sections = {bad_re};
  EXPECT_FALSE(SiteHandler::create(config_, &error));
  EXPECT_NE(error.find("t.conf:7"), std::string::npos);
  LocationSpec bad_ip;
  bad_ip.pattern = "/x";
  bad_ip.require = ip_rule({"300.1.1.1"});
  config_->sections = {bad_ip};
  EXPECT_FALSE(SiteHandler::create(config_, &error));
  EXPECT_NE(error.find("300.1.1.1"), std::string::npos);
}

TEST_F(SiteHandlerTest, RegexLimitAnswers500AndLogsThePattern) {
  // An undecided LocationMatch (it may deny) fails the request; others are unaffected.
  LocationSpec deny;
  deny.pattern = "^/(a+)+$";
  deny.is_regex = true;
  deny.require = RequireRule{RequireRule::Kind::kAllDenied, false, {}, {}, {}};
  deny.file = "t.conf";
  deny.line = 9;
  config_->sections = {deny};
  auto h = make();
  const std::string hostile = "/" + std::string(30000, 'a') + "b";
  EXPECT_EQ(run(*h, Method::kGet, "GET", hostile).status, 500);
  EXPECT_NE(log_.find("LocationMatch '^/(a+)+$' (t.conf:9): match limit"), std::string::npos)
      << log_;
  EXPECT_NE(log_.find("30002 bytes"), std::string::npos) << log_;
  EXPECT_LT(log_.size(), 400u);  // the path is quoted by a short prefix only
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/aaa").status, 403);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt").status, 200);
}

// A module's hooks for the phase-order tests: its translate_name takes "/mod/…" and names
// a handler; its handler records what it saw.
class ProbeHooks : public ModuleHooks {
 public:
  int translate_name(RequestRec& r) const override {
    if (!r.url_path.starts_with("/mod/")) return kDeclined;
    r.filename = "/nonexistent/by-module";
    r.handler = "probe";
    return kOk;
  }
  int handler(RequestRec& r) const override {
    if (r.handler != "probe") return kDeclined;
    seen_filename = r.filename;
    seen_redirects = r.redirects;
    seen_pipeline = r.pipeline;
    r.resp.append_body("probe");
    return kOk;
  }
  mutable std::string seen_filename;
  mutable int seen_redirects = -1;
  mutable const RequestPipeline* seen_pipeline = nullptr;
};

TEST_F(SiteHandlerTest, AliasServesFilesOutsideDocumentRootByTheDefaultHandler) {
  const std::string outside = root_ + "_icons";
  fs::create_directories(outside + "/sub");
  std::ofstream(outside + "/a.png") << "png!";
  std::ofstream(outside + "/sub/index.html") << "<p>sub</p>";
  std::ofstream(outside + "/big-cat.txt") << "meow";
  ScriptAliasSpec a;
  a.url = "/icons/";
  a.target = outside + "/";
  a.script = false;
  config_->script_aliases.push_back(a);
  ScriptAliasSpec m;
  RegexError e;
  m.url = "^/pics/(\\w+)/(\\w+)$";
  m.regex = std::make_shared<const Regex>(*Regex::compile(m.url, kRegexDefaultOptions, &e));
  m.target = outside + "/$2-$1.txt";
  m.script = false;
  config_->script_aliases.push_back(m);
  auto h = make();
  ASSERT_TRUE(h);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/icons/a.png").status, 200);
  EXPECT_EQ(resp_.body_length(), 4u);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/icons/sub/").status, 200);  // DirectoryIndex
  EXPECT_EQ(resp_.body_length(), 10u);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/icons/sub").status, 301);  // mod_dir's slash
  EXPECT_EQ(resp_.header("Location"), "http://example.com/icons/sub/");
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/icons").status, 404);  // "/icons/" needs the slash
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/pics/cat/big").status, 200);  // AliasMatch $2-$1
  EXPECT_EQ(resp_.body_length(), 4u);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt").status, 200);  // DocumentRoot still
  EXPECT_EQ(resp_.body_length(), 26u);
  fs::remove_all(outside);
}

TEST_F(SiteHandlerTest, ScriptAliasNamesTheCgiScriptHandlerUnlessSetHandlerWins) {
  ScriptAliasSpec a;
  a.url = "/cgi-bin/";
  a.target = root_ + "/private/";
  config_->script_aliases.push_back(a);
  LocationSpec loc;
  loc.pattern = "/cgi-bin/p.txt";
  loc.handler = "default-handler";
  config_->sections.push_back(loc);
  loc.pattern = "/cgi-bin/none";
  loc.handler = "none";  // httpd's core_override_type leaves the module's handler
  config_->sections.push_back(loc);
  auto h = make();
  ASSERT_TRUE(h);
  // No cgid hook in this pipeline: "cgi-script" finds no handler (500, logged).
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/cgi-bin/x").status, 500);
  EXPECT_NE(log_.find("no handler named 'cgi-script'"), std::string::npos);
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/cgi-bin/none").status, 500);
  // A section's SetHandler replaces it in core's fixup: the file is served.
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/cgi-bin/p.txt").status, 200);
  EXPECT_EQ(resp_.body_length(), 6u);
}

TEST_F(SiteHandlerTest, ModuleTranslateNameRunsBeforeCoreAndInternalRedirectsAreBounded) {
  auto h = make();
  ASSERT_TRUE(h);
  ProbeHooks probe;
  h->add_hooks(&probe, phase_bit(Phase::kTranslateName) | phase_bit(Phase::kHandler));
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/mod/x").status, 200);
  EXPECT_EQ(mem_body(), "probe");
  EXPECT_EQ(probe.seen_filename, "/nonexistent/by-module");
  EXPECT_EQ(probe.seen_redirects, 0);
  EXPECT_EQ(probe.seen_pipeline, h.get());
  EXPECT_EQ(run(*h, Method::kGet, "GET", "/a.txt").status, 200);  // core's translate
  // A task's internal redirect runs every phase again, counted.
  req_.path = "/mod/y";
  Response resp;
  h->internal_redirect(req_, ctx_, kMaxInternalRedirects, resp);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(probe.seen_redirects, kMaxInternalRedirects);
  h->internal_redirect(req_, ctx_, kMaxInternalRedirects + 1, resp);
  EXPECT_EQ(resp.status, 500);
  EXPECT_NE(log_.find("AH00124: Request exceeded the limit of 10 internal redirects"),
            std::string::npos);
}

TEST(LocationPrefix, HttpdSegmentRules) {
  EXPECT_TRUE(location_prefix_matches("/private1", "/private1"));
  EXPECT_TRUE(location_prefix_matches("/private1", "/private1/"));
  EXPECT_TRUE(location_prefix_matches("/private1", "/private1/file.txt"));
  EXPECT_FALSE(location_prefix_matches("/private1", "/private1other"));
  EXPECT_TRUE(location_prefix_matches("/private2/", "/private2/file.txt"));
  EXPECT_FALSE(location_prefix_matches("/private2/", "/private2"));
  EXPECT_TRUE(location_prefix_matches("/", "/anything"));
  EXPECT_FALSE(location_prefix_matches("", "/"));
}

}  // namespace
}  // namespace tern
