#pragma once
// Helpers shared by the config_*_test.cpp files: a temporary ServerRoot and a
// loader that supplies the mandatory Listen through -C.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "config/config_loader.h"

namespace tern::testing {

// A temporary directory removed on destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/tern_cfg_XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // Writes `content` to `rel` (creating parent directories); returns the absolute path.
  std::string write(const std::string& rel, const std::string& content) const {
    std::filesystem::path p = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }
  // Creates directory `rel`; returns the absolute path.
  std::string mkdir(const std::string& rel) const {
    std::filesystem::path p = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(p);
    return p.string();
  }

 private:
  std::string path_;
};

// Loads `text` as "t.conf" with ServerRoot `root` and a -C "Listen 8080".
inline LoadResult load(const std::string& text, const std::string& root,
                       LoadOptions opts = LoadOptions()) {
  opts.server_root = root;
  opts.pre_directives.insert(opts.pre_directives.begin(), "Listen 8080");
  return load_config_text(text, "t.conf", opts);
}

// A test fixture with a temporary ServerRoot: ok() loads a configuration that
// must be valid, err() one that must be refused and returns the error.
class ConfigTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Config> ok(const std::string& text) {
    LoadResult r = load(text, dir.path());
    EXPECT_EQ(r.error, "") << text;
    return r.config ? r.config : std::make_shared<const Config>();
  }
  std::string err(const std::string& text) {
    LoadResult r = load(text, dir.path());
    EXPECT_EQ(r.config, nullptr) << text;
    return r.error;
  }
  TempDir dir;
};

}  // namespace tern::testing
