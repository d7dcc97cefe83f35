#include <gtest/gtest.h>

#include "config_test_util.h"

namespace tern {
namespace {

class RedirectDirectives : public testing::ConfigTest {};

TEST_F(RedirectDirectives, FormsAndStatuses) {
  auto c =
      ok("Redirect /a http://x.test/a\n"
         "Redirect permanent /b http://x.test/b\n"
         "Redirect seeother /c /local\n"
         "Redirect gone /d\n"
         "Redirect 410 /e\n"
         "Redirect 307 /f http://x.test/f\n"
         "RedirectMatch ^/g(.*)$ http://x.test/$1\n"
         "RedirectMatch 301 ^/h(.*)$ /h2$1\n"
         "RedirectMatch gone ^/i\n"
         "RedirectTemp /j http://x.test/j\n"
         "RedirectPermanent /k http://x.test/k\n");
  ASSERT_EQ(c->redirects.size(), 11u);
  const int statuses[] = {302, 301, 303, 410, 410, 307, 302, 301, 410, 302, 301};
  for (size_t i = 0; i < 11; ++i) {
    EXPECT_EQ(c->redirects[i].status, statuses[i]) << i;
    EXPECT_EQ(c->redirects[i].line, static_cast<int>(i) + 1);
  }
  EXPECT_EQ(c->redirects[0].url, "/a");
  EXPECT_EQ(c->redirects[0].target, "http://x.test/a");
  EXPECT_EQ(c->redirects[0].regex, nullptr);
  EXPECT_EQ(c->redirects[2].target, "/local");
  EXPECT_EQ(c->redirects[3].url, "/d");
  EXPECT_EQ(c->redirects[3].target, "");
  ASSERT_NE(c->redirects[6].regex, nullptr);
  EXPECT_EQ(c->redirects[6].target, "http://x.test/$1");
  EXPECT_EQ(c->redirects[8].url, "^/i");
  EXPECT_TRUE(c->script_aliases.empty());  // a list of its own
}

TEST_F(RedirectDirectives, ErrorsAsHttpd) {
  EXPECT_NE(err("Redirect /a relative/path\n").find("Redirect to non-URL"), std::string::npos);
  EXPECT_NE(err("Redirect permanent /a\n"), "");  // no URL-path: the <Location> form
  EXPECT_NE(err("Redirect http://x.test/\n"), "");
  EXPECT_NE(err("Redirect gone\n"), "");
  EXPECT_NE(err("Redirect bogus /a http://x.test/").find("invalid first argument (of three)"),
            std::string::npos);
  EXPECT_NE(err("Redirect gone /a http://x.test/\n").find("not valid for this status"),
            std::string::npos);
  EXPECT_NE(err("Redirect 301 /a http://x.test/ extra\n").find("one, two or three"),
            std::string::npos);
  EXPECT_NE(err("Redirect\n"), "");
  EXPECT_NE(err("RedirectMatch ^(/x http://x.test/\n").find("invalid regular expression"),
            std::string::npos);
  EXPECT_NE(err("RedirectPermanent /a\n"), "");
  EXPECT_NE(err("RedirectTemp /a b c\n"), "");
  EXPECT_NE(err("Redirect 200 /a http://x.test/\n").find("not valid for this status"),
            std::string::npos);
  EXPECT_NE(err("<Location /x>\nRedirect /a http://x.test/\n</Location>\n").find("<Location>"),
            std::string::npos);
}

}  // namespace
}  // namespace tern
