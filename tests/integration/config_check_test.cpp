// `tern -t` checks everything start-up compiles: a bad file fails the check with
// file:line and exit status 1, instead of passing it and failing start-up later.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "harness.h"

namespace tern::test {
namespace {

// Runs `tern -t` on `conf` (written as t.conf in a fresh ServerRoot with htdocs/ and logs/).
ProcessResult check(TempDir& d, const std::string& conf) {
  d.write("htdocs/index.html", "x");
  d.write("logs/.keep", "");
  d.write("t.conf", conf);
  // Generous: the check itself takes milliseconds; the bound is only for a hang.
  return run_process({TERN_BINARY, "-d", d.path(), "-f", "t.conf", "-t"}, 60000);
}

TEST(ConfigCheck, BadLogFormatFailsTheCheckWithFileAndLine) {
  TempDir d;
  auto ok = check(d, "Listen 127.0.0.1:1\nLogFormat \"%h %>s\" mine\nCustomLog logs/a mine\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("Syntax OK"), std::string::npos) << ok.output;

  auto bad = check(d, "Listen 127.0.0.1:1\n\nLogFormat \"%h %Z\" mine\nCustomLog logs/a mine\n");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find(d.path() + "/t.conf:3: LogFormat: Unrecognized LogFormat directive %Z"),
            std::string::npos)
      << bad.output;
  EXPECT_EQ(bad.output.find("Syntax OK"), std::string::npos) << bad.output;

  auto open = check(d, "Listen 127.0.0.1:1\nCustomLog logs/a \"%h %{User-Agent\"\n");
  EXPECT_EQ(open.exit_code, 1) << open.output;
  EXPECT_NE(open.output.find("/t.conf:2: CustomLog: "), std::string::npos) << open.output;
}

TEST(ConfigCheck, IncludeOfAFifoFailsPromptly) {
  TempDir d;
  const std::string fifo = d.path() + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = check(d, "Listen 127.0.0.1:1\nInclude pipe\n");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("/t.conf:2: Include: could not open configuration file " + fifo +
                          ": a FIFO, not a regular file"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace tern::test
