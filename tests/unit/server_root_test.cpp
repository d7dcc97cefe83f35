// The composition root: one configuration and a scoreboard give the handler a child
// serves with, its named handlers and access logs.

#include "server/server_root.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config_loader.h"
#include "http/handler.h"
#include "log/access_log.h"
#include "server/scoreboard.h"

namespace tern {
namespace {

namespace fs = std::filesystem;

class ServerRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tern_root_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ + "/index.html") << "<h1>home</h1>";
    std::string err;
    scoreboard_ = Scoreboard::create(2, 4, "", &err);
    ASSERT_TRUE(scoreboard_) << err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<const Config> load(const std::string& extra) {
    LoadOptions opts;
    opts.server_root = dir_;
    LoadResult r =
        load_config_text("Listen 127.0.0.1:1\nDocumentRoot " + dir_ + "\n" + extra, "t.conf", opts);
    EXPECT_TRUE(r.config) << r.error;
    return r.config;
  }

  Response get(const ServerRoot& root, std::string_view path, std::string_view query = {}) {
    Request req;
    req.method = Method::kGet;
    req.method_name = "GET";
    req.path = path;
    req.query = query;
    req.has_query = !query.empty();
    req.host = "x";
    RequestContext ctx;
    ctx.client_ip = "127.0.0.1";
    ctx.local_ip = "127.0.0.1";
    Response resp;
    root.handler().handle(req, ctx, resp);
    return resp;
  }

  std::string dir_;
  std::unique_ptr<Scoreboard> scoreboard_;
};

TEST_F(ServerRootTest, BuildsTheHandlerWithStatusMetricsAndLogs) {
  auto config = load("CustomLog " + dir_ + "/access_log common\n" +
                     "<Location /server-status>\nSetHandler server-status\n</Location>\n" +
                     "<Location /metrics>\nSetHandler metrics\n</Location>\n");
  ASSERT_TRUE(config);
  std::string err;
  auto root = ServerRoot::build(config, *scoreboard_, &err);
  ASSERT_TRUE(root) << err;
  EXPECT_EQ(&root->config(), config.get());
  EXPECT_GT(root->restart_time_us(), 0);
  ASSERT_NE(root->logs(), nullptr);
  EXPECT_TRUE(root->logs()->enabled());
  EXPECT_TRUE(fs::exists(dir_ + "/access_log"));

  Response home = get(*root, "/");
  EXPECT_EQ(home.status, 200);
  Response status = get(*root, "/server-status", "auto");
  EXPECT_EQ(status.status, 200);
  EXPECT_NE(status.body_mem.find("ServerUptime"), std::string::npos);
  Response metrics = get(*root, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body_mem.find("# TYPE"), std::string::npos);
}

TEST_F(ServerRootTest, ReportsWhatCannotBeBuilt) {
  std::string err;
  fs::create_directories(dir_ + "/log_is_a_dir");  // the loader checks only the parent
  auto bad_log = load("CustomLog " + dir_ + "/log_is_a_dir common\n");
  ASSERT_TRUE(bad_log);
  EXPECT_FALSE(ServerRoot::build(bad_log, *scoreboard_, &err));
  EXPECT_NE(err.find("log_is_a_dir"), std::string::npos) << err;

  err.clear();
  std::ofstream(dir_ + "/gone.types") << "text/x-a a\n";
  auto bad_types = load("TypesConfig " + dir_ + "/gone.types\n");
  ASSERT_TRUE(bad_types);
  fs::remove(dir_ + "/gone.types");  // removed between loading and building
  EXPECT_FALSE(ServerRoot::build(bad_types, *scoreboard_, &err));
  EXPECT_NE(err.find("gone.types"), std::string::npos) << err;
}

}  // namespace
}  // namespace tern
