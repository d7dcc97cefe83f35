#include "modules/cgi/cgi_handler.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "modules/cgi/cgi_reaper.h"
#include "modules/cgi/cgi_task.h"

namespace tern {
namespace {

namespace fs = std::filesystem;

TEST(CgiAlias, AliasMatchesAsModAlias) {
  EXPECT_EQ(alias_matches("/cgi-bin/x", "/cgi-bin/"), 9u);
  EXPECT_EQ(alias_matches("/cgi-bin", "/cgi-bin/"), 0u);
  EXPECT_EQ(alias_matches("/cgi-bin/x", "/cgi-bin"), 8u);
  EXPECT_EQ(alias_matches("/cgi-bin", "/cgi-bin"), 8u);
  EXPECT_EQ(alias_matches("/cgi-binx", "/cgi-bin"), 0u);
  EXPECT_EQ(alias_matches("//cgi-bin//x", "/cgi-bin/"), 11u);  // runs of slashes
  EXPECT_EQ(alias_matches("/other", "/cgi-bin/"), 0u);
}

TEST(CgiAlias, FindPathInfoAsHttpd) {
  EXPECT_EQ(find_path_info("/cgi-bin/env.sh/a/b", "/a/b"), 15u);
  EXPECT_EQ(find_path_info("/cgi-bin/env.sh/", "/"), 15u);
}

TEST(CgiAlias, MapsPrefixAndRegexFirstMatchWins) {
  std::vector<ScriptAliasSpec> aliases(3);
  aliases[0].url = "/cgi-bin/";
  aliases[0].target = "/srv/cgi/";
  RegexError e;
  aliases[1].regex =
      std::make_shared<const Regex>(*Regex::compile("^/x/([a-z]+)(.*)", kRegexDefaultOptions, &e));
  aliases[1].target = "/srv/x/$1.cgi$2";
  aliases[2].url = "/cgi-bin/special/";
  aliases[2].target = "/never/";
  CgiMapping m;
  ASSERT_TRUE(map_script_alias(aliases, "/cgi-bin/special/a", &m));
  EXPECT_EQ(m.filename, "/srv/cgi/special/a");
  EXPECT_EQ(m.context_prefix, "/cgi-bin/");
  EXPECT_EQ(m.context_root, "/srv/cgi/");
  ASSERT_TRUE(map_script_alias(aliases, "/x/abc/info", &m));
  EXPECT_EQ(m.filename, "/srv/x/abc.cgi/info");
  EXPECT_EQ(m.context_prefix, "");
  EXPECT_FALSE(map_script_alias(aliases, "/static/a", &m));
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
    return handler_->handle(req_, ctx_, path, nullptr, resp, location ? location : &loc);
  }
  std::string root_;
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
