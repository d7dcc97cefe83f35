#include "modules/cgi/cgi_handler.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "modules/alias/alias_map.h"
#include "modules/cgi/cgi_reaper.h"
#include "modules/cgi/cgi_task.h"

namespace tern {
namespace {

namespace fs = std::filesystem;

TEST(CgiAlias, FindPathInfoAsHttpd) {
  EXPECT_EQ(find_path_info("/cgi-bin/env.sh/a/b", "/a/b"), 15u);
  EXPECT_EQ(find_path_info("/cgi-bin/env.sh/", "/"), 15u);
}

TEST(CgiAlias, ArgvFromAnIsindexQuery) {
  EXPECT_EQ(cgi_argv("s.cgi", "a=1"), std::vector<std::string>{"s.cgi"});
  EXPECT_EQ(cgi_argv("s.cgi", ""), std::vector<std::string>{"s.cgi"});
  EXPECT_EQ(cgi_argv("s.cgi", "one+t%77o+a;b"),
            (std::vector<std::string>{"s.cgi", "one", "two", "a\\;b"}));
}

class CgiHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tern_cgih_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ + "/cgi/sub");
    fs::create_directories(root_ + "/htdocs");
    write("ok.sh", "#!/bin/sh\necho 'Content-Type: text/plain'; echo; echo \"$PATH_INFO\"\n", 0755);
    write("plain.sh", "#!/bin/sh\n", 0644);
    auto c = std::make_shared<Config>();
    c->document_root = root_ + "/htdocs";
    c->server_name = "www.example.org:8080";
    ScriptAliasSpec a;
    a.url = "/cgi-bin/";
    a.target = root_ + "/cgi/";
    c->script_aliases.push_back(a);
    c->cgi_script_timeout = std::chrono::milliseconds(1234);
    config_ = c;
    handler_ = std::make_unique<CgiHandler>(c);
    req_.method = Method::kGet;
    req_.method_name = "GET";
  }
  void TearDown() override {
    ASSERT_TRUE(ProcessReaper::instance().wait_idle(20000));
    fs::remove_all(root_);
  }
  void write(const std::string& name, const std::string& text, mode_t mode) {
    std::ofstream(root_ + "/cgi/" + name) << text;
    ::chmod((root_ + "/cgi/" + name).c_str(), mode);
  }
  int run(std::string_view path, Response& resp, std::string* location = nullptr) {
    std::string loc;
    req_.path = path;
    req_.target = path;
    // What mod_alias's translate_name does before the handler runs.
    AliasMapping m;
    if (!map_alias(config_->script_aliases, path, &m)) return -1;
    RequestRec r{req_,
                 ctx_,
                 resp,
                 *config_,
                 m.filename,
                 path,
                 {},
                 m.context_prefix,
                 m.context_root,
                 nullptr,
                 "cgi-script",
                 0,
                 nullptr,
                 {},
                 {},
                 {},
                 {},
                 true,
                 {},
                 {}};
    return handler_->run(r, location ? location : &loc);
  }
  std::string root_;
  std::shared_ptr<const Config> config_;
  std::unique_ptr<CgiHandler> handler_;
  Request req_;
  RequestContext ctx_;
};

TEST_F(CgiHandlerTest, StatusesAsModCgid) {
  Response resp;
  EXPECT_EQ(run("/static/x", resp), -1);
  EXPECT_EQ(run("/cgi-bin/missing.sh", resp), 404);
  EXPECT_EQ(run("/cgi-bin/missing.sh/info", resp), 404);
  EXPECT_EQ(run("/cgi-bin/plain.sh", resp), 500);  // exec fails, as mod_cgid
  EXPECT_EQ(run("/cgi-bin/sub/", resp), 403);
  std::string location;
  EXPECT_EQ(run("/cgi-bin/sub", resp, &location), 301);
  EXPECT_EQ(location, "http://www.example.org:8080/cgi-bin/sub/");
  EXPECT_EQ(resp.task, nullptr);
}

TEST_F(CgiHandlerTest, HandlerHookServesOnlyCgiScript) {
  Response resp;
  std::string filename = root_ + "/cgi/ok.sh";
  req_.path = "/cgi-bin/ok.sh";
  RequestRec r{req_,    ctx_, resp, *config_, filename, "/cgi-bin/ok.sh",
               {},      {},   {},   nullptr,  "",       0,
               nullptr, {},   {},   {},       {},       true,
               {},      {}};
  EXPECT_EQ(handler_->handler(r), kDeclined);  // the default handler's request
  r.handler = "server-status";
  EXPECT_EQ(handler_->handler(r), kDeclined);
  EXPECT_EQ(resp.task, nullptr);
  r.handler = "cgi-script";
  EXPECT_EQ(handler_->handler(r), kOk);
  EXPECT_NE(resp.task, nullptr);
  resp.task.reset();
}

TEST_F(CgiHandlerTest, StartsTheScriptWithItsPathInfo) {
  Response resp;
  ASSERT_EQ(run("/cgi-bin/ok.sh/more/info", resp), 0);
  ASSERT_NE(resp.task, nullptr);
  resp.task.reset();  // ends (kills) the script
  std::string script, info;
  EXPECT_EQ(locate_script(root_ + "/cgi/ok.sh/more/info", &script, &info), 0);
  EXPECT_EQ(script, root_ + "/cgi/ok.sh");
  EXPECT_EQ(info, "/more/info");
}

}  // namespace
}  // namespace tern
