// mod_negotiation's MultiViews as Apache httpd answers it: the same variant files and
// directives given to Debian's apache2 (apache_harness.h, with mod_negotiation loaded)
// and to tern in the same test, and the answers compared (status, Content-Type,
// Content-Language, Content-Encoding, Content-Location, Vary, TCN, Alternates, body).

#include <gtest/gtest.h>

#include <filesystem>

#include "apache_harness.h"

namespace tern::test {
namespace {

class NegotiationVersusApache : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApacheServer::available())
        << "apache2-bin is missing: scripts/deps.sh test installs it";
    for (auto [name, body] : std::initializer_list<std::pair<const char*, const char*>>{
             {"doc.html.en", "<p>english</p>\n"},
             {"doc.html.fr", "<p>fran&ccedil;ais, un peu plus long</p>\n"},
             {"doc.html.bak", "a variant: mime.types says application/x-trash\n"},
             {"doc.html.zzq", "not a variant: .zzq means nothing to mod_mime\n"},
             {"page.html", "<p>html</p>\n"},
             {"page.txt", "plain text, longer than the html\n"},
             {"zipped.txt", "identity body\n"},
             {"zipped.txt.gz", "pretend gzip\n"},
             {"onlyfr.html.fr", "<p>seulement</p>\n"},
             {"nothing.qqq", "no known extension\n"},
             {"real.html", "<p>a real file</p>\n"},
             {"real.html.en", "<p>never chosen</p>\n"},
             {"idx/index.html.en", "<p>index en</p>\n"},
             {"idx/index.html.fr", "<p>index fr</p>\n"},
             {"plain/index.html", "<p>plain index</p>\n"},
             {"plain/index.html.fr", "<p>never: index.html exists</p>\n"}}) {
      apache_.put(name, body);
      tern_.put(name, body);
    }
    const std::string types =
        std::filesystem::exists("/etc/mime.types") ? "TypesConfig /etc/mime.types\n" : "";
    const std::string conf =
        "Options +MultiViews\n"
        "AddLanguage en .en\nAddLanguage fr .fr\n"
        "AddEncoding x-gzip .gz\n"
        "LanguagePriority en fr\n"
        "ForceLanguagePriority Prefer Fallback\n"
        "DirectoryIndex index.html index\n";
    start_both(
        apache_, tern_,
        std::string("LoadModule negotiation_module ") + kApacheModules + "/mod_negotiation.so\n",
        types, conf);
  }

  // The same request to both servers; compares what negotiation decides.
  void compare(const std::string& method, const std::string& target,
               const std::vector<std::string>& headers = {}) {
    SCOPED_TRACE(method + " " + target);
    compare_with_apache(apache_, tern_, http_request(method, target, headers), method == "HEAD",
                        {"content-type", "content-language", "content-encoding", "content-location",
                         "vary", "tcn", "alternates"},
                        &last_);
  }

  ApacheServer apache_;
  Server tern_;
  Response last_;  // apache's answer to the last compare()
};

TEST_F(NegotiationVersusApache, AcceptLanguageAndLanguagePriority) {
  compare("GET", "/doc");
  EXPECT_EQ(last_.status, 200);
  EXPECT_EQ(headers_map(last_)["content-location"], "doc.html.en");  // LanguagePriority
  compare("GET", "/doc", {"Accept-Language: fr"});
  EXPECT_EQ(headers_map(last_)["content-language"], "fr");
  compare("GET", "/doc", {"Accept-Language: fr;q=0.5, en;q=0.9"});
  compare("GET", "/doc", {"Accept-Language: de"});  // Fallback: LanguagePriority's en
  compare("GET", "/doc", {"Accept-Language: en-US,en;q=0.5,fr;q=0.7"});
  compare("GET", "/doc", {"Accept-Language: *"});
  compare("GET", "/doc.html", {"Accept-Language: fr"});
  compare("GET", "/onlyfr", {"Accept-Language: en"});
  compare("HEAD", "/doc", {"Accept-Language: fr"});
  compare("GET", "/doc?x=1", {"Accept-Language: fr"});
}

TEST_F(NegotiationVersusApache, AcceptAndNotAcceptable) {
  compare("GET", "/page");
  compare("GET", "/page", {"Accept: text/plain"});
  EXPECT_EQ(headers_map(last_)["content-location"], "page.txt");
  compare("GET", "/page", {"Accept: text/html;q=0.4, text/plain;q=0.3"});
  compare("GET", "/page", {"Accept: text/*, text/html;q=0.1"});
  compare("GET", "/page", {"Accept: image/png"});
  EXPECT_EQ(last_.status, 406);
  compare("GET", "/doc", {"Accept: text/plain"});
  EXPECT_EQ(last_.status, 406);
}

TEST_F(NegotiationVersusApache, EncodingsAndOtherCases) {
  compare("GET", "/zipped");
  compare("GET", "/zipped", {"Accept-Encoding: gzip"});
  compare("GET", "/zipped", {"Accept-Encoding: x-gzip, identity;q=0.5"});
  compare("GET", "/nothing");  // a match that is no variant: 404
  EXPECT_EQ(last_.status, 404);
  compare("GET", "/real.html", {"Accept-Language: en"});  // exists: no negotiation
  compare("GET", "/absent");
  compare("GET", "/doc", {"Negotiate: trans"});  // a TCN client gets the list
  EXPECT_EQ(last_.status, 300);
  compare("GET", "/doc", {"Negotiate: vlist, *", "Accept-Language: fr"});
}

TEST_F(NegotiationVersusApache, DirectoryIndexNegotiated) {
  compare("GET", "/idx/");
  EXPECT_EQ(last_.body, "<p>index en</p>\n");
  compare("GET", "/idx/", {"Accept-Language: fr"});
  compare("GET", "/idx/", {"Accept: image/png"});  // the last name's 406, with its list
  compare("GET", "/plain/", {"Accept-Language: fr"});
  EXPECT_EQ(last_.body, "<p>plain index</p>\n");
}

}  // namespace
}  // namespace tern::test
