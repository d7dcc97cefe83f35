// `tern -l` lists the compiled-in modules, and <IfModule> agrees with that list.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "harness.h"
#include "modules/registry.h"

namespace tern::test {
namespace {

TEST(Modules, DashLListsTheActiveModulesAsHttpdDoes) {
  ProcessResult r = run_process({TERN_BINARY, "-l"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string expected = "Compiled in modules:\n";
  for (const Module* m : all_modules()) {
    if (!m->placeholder) expected += "  " + std::string(m->source) + "\n";
  }
  EXPECT_EQ(r.output, expected);
  EXPECT_NE(r.output.find("  core.c\n"), std::string::npos);
  EXPECT_NE(r.output.find("  mod_mime.c\n"), std::string::npos);
  EXPECT_NE(r.output.find("  mod_alias.c\n"), std::string::npos);
  EXPECT_NE(r.output.find("  mod_cgid.c\n"), std::string::npos);
  // httpd's statically linked modules on Debian that tern has.
  EXPECT_NE(r.output.find("  mod_so.c\n"), std::string::npos);
  EXPECT_NE(r.output.find("  mod_logio.c\n"), std::string::npos);
  EXPECT_EQ(r.output.find("mod_version.c"), std::string::npos);
}

// Every module -l lists makes <IfModule> read its body (here an invalid directive, so
// -t fails); an unlisted one makes it skip the body.
TEST(Modules, IfModuleSeesExactlyTheListedModules) {
  const std::string path = ::testing::TempDir() + "tern_modules_test.conf";
  auto check = [&](const std::string& module) {
    std::ofstream(path) << "Listen 127.0.0.1:1\nDocumentRoot /tmp\n<IfModule " << module
                        << ">\nNoSuchDirective\n</IfModule>\n";
    return run_process({TERN_BINARY, "-t", "-f", path});
  };
  for (const Module* m : all_modules()) {
    ProcessResult r = check(std::string(m->source));
    if (m->placeholder) {
      EXPECT_EQ(r.exit_code, 0) << m->source << ": " << r.output;
    } else {
      EXPECT_EQ(r.exit_code, 1) << m->source << ": " << r.output;
      EXPECT_NE(r.output.find("NoSuchDirective"), std::string::npos) << r.output;
    }
  }
  EXPECT_EQ(check("proxy_module").exit_code, 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tern::test
