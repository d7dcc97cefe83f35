// mod_negotiation's selection algorithm (src/modules/negotiation/negotiate.h), checked
// against what httpd's mod_negotiation.c decides for the same headers and variants.

#include "modules/negotiation/negotiate.h"

#include <gtest/gtest.h>

namespace tern::negotiation {
namespace {

Variant var(std::string name, std::string type, std::vector<std::string> langs = {},
            std::string enc = "", int64_t bytes = 100) {
  return make_variant(std::move(name), type, enc, std::move(langs), bytes, false);
}

// The chosen file name, or "" when the outcome is no choice.
std::string chosen(std::vector<Variant>& vars, const Input& in, Outcome* out = nullptr) {
  sort_variants(vars);
  Outcome o = negotiate(vars, in);
  if (out) *out = o;
  if (o.status != 0 || o.best < 0) return "";
  return vars[static_cast<size_t>(o.best)].file_name;
}

std::vector<Variant> en_fr() {
  return {var("doc.html.en", "text/html", {"en"}, "", 300),
          var("doc.html.fr", "text/html", {"fr"}, "", 200)};
}

TEST(NegotiationParse, QValuesAsHttpdReadsThem) {
  EXPECT_FLOAT_EQ(parse_qvalue("0.5"), 0.5f);
  EXPECT_FLOAT_EQ(parse_qvalue(".5"), 0.5f);
  EXPECT_FLOAT_EQ(parse_qvalue("0.123"), 0.123f);
  EXPECT_FLOAT_EQ(parse_qvalue("1"), 1.0f);
  EXPECT_FLOAT_EQ(parse_qvalue("0"), 0.0f);
  EXPECT_FLOAT_EQ(parse_qvalue(""), 1.0f);
  EXPECT_FLOAT_EQ(parse_qvalue("0.0001"), 0.0f);  // three digits only
}

TEST(NegotiationParse, AcceptItemsWithParameters) {
  auto items = parse_accept("Text/HTML;level=1, text/*;q=0.3 , */*;q=0.1, text/plain");
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].name, "text/html");
  EXPECT_FLOAT_EQ(items[0].level, 1.0f);
  EXPECT_EQ(items[1].name, "text/*");
  EXPECT_FLOAT_EQ(items[1].quality, 0.3f);
  EXPECT_FLOAT_EQ(items[2].quality, 0.1f);
  EXPECT_FLOAT_EQ(items[3].quality, 1.0f);
  // text/html without level is level 2 (httpd's KLUDGE); a type's charset and qs.
  AcceptItem t = parse_media_type("text/html; charset=UTF-8; qs=0.7");
  EXPECT_EQ(t.name, "text/html");
  EXPECT_EQ(t.charset, "utf-8");
  EXPECT_FLOAT_EQ(t.level, 2.0f);
  EXPECT_FLOAT_EQ(t.quality, 0.7f);
}

TEST(NegotiationLanguage, AcceptLanguageQValuesDecide) {
  Input in;
  std::string al = "fr";
  in.accept_language = al;
  auto v = en_fr();
  EXPECT_EQ(chosen(v, in), "doc.html.fr");
  al = "en;q=0.5, fr;q=0.8";
  in.accept_language = al;
  v = en_fr();
  EXPECT_EQ(chosen(v, in), "doc.html.fr");
  al = "fr;q=0.2, en";
  in.accept_language = al;
  v = en_fr();
  Outcome o;
  EXPECT_EQ(chosen(v, in, &o), "doc.html.en");
  EXPECT_EQ(o.vary, "negotiate,accept-language");
  EXPECT_EQ(o.tcn, "choice");
  EXPECT_TRUE(o.alternates.empty());
}

TEST(NegotiationLanguage, LanguagePriorityWhenTheClientSaysNothing) {
  const std::vector<std::string> prio = {"fr", "en"};
  Input in;
  in.language_priority = &prio;
  auto v = en_fr();
  EXPECT_EQ(chosen(v, in), "doc.html.fr");
  // Without LanguagePriority everything ties down to the content length: the smaller.
  Input bare;
  v = {var("doc.html.en", "text/html", {"en"}, "", 100),
       var("doc.html.fr", "text/html", {"fr"}, "", 200)};
  EXPECT_EQ(chosen(v, bare), "doc.html.en");
  // Prefer breaks ties between equal Accept-Language qualities.
  std::string al = "en, fr";
  in.accept_language = al;
  v = en_fr();
  EXPECT_EQ(chosen(v, in), "doc.html.fr");
}

TEST(NegotiationLanguage, FallbackServesAPriorityLanguageWhenNothingMatches) {
  const std::vector<std::string> prio = {"en", "fr"};
  std::string al = "de";
  Input in;
  in.accept_language = al;
  in.language_priority = &prio;
  in.force_priority = kFlpPrefer | kFlpFallback;  // Debian's negotiation.conf
  auto v = en_fr();
  EXPECT_EQ(chosen(v, in), "doc.html.en");
  // Prefer alone (httpd's default): nothing acceptable, 406 with the list.
  in.force_priority = kFlpUndef;
  v = en_fr();
  Outcome o;
  EXPECT_EQ(chosen(v, in, &o), "");
  EXPECT_EQ(o.status, 406);
  EXPECT_EQ(o.tcn, "list");
  EXPECT_EQ(o.vary, "negotiate,accept-language");
  EXPECT_EQ(o.alternates,
            "{\"doc.html.en\" 1 {type text/html} {language en} {length 300}}, "
            "{\"doc.html.fr\" 1 {type text/html} {language fr} {length 200}}");
  in.force_priority = kFlpNone;
  v = en_fr();
  EXPECT_EQ(chosen(v, in, &o), "");
  EXPECT_EQ(o.status, 406);
}

TEST(NegotiationLanguage, RegionalRangeMatchesItsLanguageWeakly) {
  // en-US matches en at 0.001 (httpd's fiddle), better than fr's Fallback 0.0001.
  const std::vector<std::string> prio = {"fr", "en"};
  std::string al = "en-US";
  Input in;
  in.accept_language = al;
  in.language_priority = &prio;
  in.force_priority = kFlpFallback;
  auto v = en_fr();
  EXPECT_EQ(chosen(v, in), "doc.html.en");
  // A variant tagged en-gb is matched by the range en.
  al = "en";
  in.accept_language = al;
  v = {var("a.html.en-gb", "text/html", {"en-gb"}), var("a.html.fr", "text/html", {"fr"})};
  EXPECT_EQ(chosen(v, in), "a.html.en-gb");
}

TEST(NegotiationLanguage, UntaggedVariantOnlyWhenNoTaggedOneIsAcceptable) {
  std::string al = "fr";
  Input in;
  in.accept_language = al;
  std::vector<Variant> v = {var("d.html", "text/html", {}, "", 10),
                            var("d.html.fr", "text/html", {"fr"}, "", 500)};
  EXPECT_EQ(chosen(v, in), "d.html.fr");
  al = "de";
  in.accept_language = al;
  v = {var("d.html", "text/html", {}, "", 10), var("d.html.fr", "text/html", {"fr"}, "", 500)};
  EXPECT_EQ(chosen(v, in), "d.html");
}

TEST(NegotiationType, AcceptQValuesAndWildcards) {
  auto two = [] {
    return std::vector<Variant>{var("doc.html", "text/html", {}, "", 50),
                                var("doc.txt", "text/plain", {}, "", 500)};
  };
  Input in;
  std::string a = "text/plain";
  in.accept = a;
  auto v = two();
  Outcome o;
  EXPECT_EQ(chosen(v, in, &o), "doc.txt");
  EXPECT_EQ(o.vary, "negotiate,accept");
  a = "text/html;q=0.5, text/plain;q=0.9";
  in.accept = a;
  v = two();
  EXPECT_EQ(chosen(v, in), "doc.txt");
  a = "text/*;q=0.9, text/html;q=0.1";
  in.accept = a;
  v = two();
  EXPECT_EQ(chosen(v, in), "doc.txt");
  a = "image/png";
  in.accept = a;
  v = two();
  EXPECT_EQ(chosen(v, in, &o), "");
  EXPECT_EQ(o.status, 406);
  // No Accept: */* with wildcard fiddles, a tie, the smaller file.
  in.accept.reset();
  v = two();
  EXPECT_EQ(chosen(v, in), "doc.html");
}

TEST(NegotiationType, HtmlLevels) {
  // Explicit level 3 gets level 3; a plain text/html (level 2) does not.
  std::vector<Variant> v = {var("p.html3", "text/html;level=3", {}, "", 10),
                            var("p.html2", "text/html", {}, "", 20)};
  Input in;
  std::string a = "text/html;level=3";
  in.accept = a;
  EXPECT_EQ(chosen(v, in), "p.html3");
  v = {var("p.html3", "text/html;level=3", {}, "", 10), var("p.html2", "text/html", {}, "", 20)};
  a = "text/html";
  in.accept = a;
  EXPECT_EQ(chosen(v, in), "p.html2");
}

TEST(NegotiationEncoding, IdentityPreferredUnlessTheClientAcceptsTheEncoding) {
  auto two = [] {
    return std::vector<Variant>{var("d.txt", "text/plain", {}, "", 900),
                                var("d.txt.gz", "text/plain", {}, "x-gzip", 100)};
  };
  Input in;
  auto v = two();
  Outcome o;
  EXPECT_EQ(chosen(v, in, &o), "d.txt");  // no Accept-Encoding: encoded at 0.5
  EXPECT_EQ(o.vary, "negotiate,accept-encoding");
  std::string ae = "gzip";
  in.accept_encoding = ae;
  v = two();
  EXPECT_EQ(chosen(v, in), "d.txt.gz");  // identity unlisted: 0.0001
  ae = "gzip;q=0, identity";
  in.accept_encoding = ae;
  v = two();
  EXPECT_EQ(chosen(v, in), "d.txt");
  ae = "";  // an empty header: only identity, weakly
  in.accept_encoding = ae;
  v = two();
  EXPECT_EQ(chosen(v, in), "d.txt");
  // no-gzip drops encoded variants.
  in.accept_encoding = std::string_view("gzip");
  in.no_gzip = true;
  v = two();
  EXPECT_EQ(chosen(v, in), "d.txt");
}

TEST(NegotiationEncoding, FixEncodingUsesTheClientsSpelling) {
  EXPECT_EQ(fix_encoding("x-gzip", "gzip, deflate"), "gzip");
  EXPECT_EQ(fix_encoding("gzip", "x-gzip"), "x-gzip");
  EXPECT_EQ(fix_encoding("x-gzip", std::nullopt), "x-gzip");
  EXPECT_EQ(fix_encoding("x-gzip", "br"), "x-gzip");
}

TEST(NegotiationTcn, PathSegmentEscapeUsesLowerCaseHexAsHttpd) {
  // httpd's ap_escape_path_segment (c2x): Content-Location "x%7by.html.en" for "x{y.html.en".
  EXPECT_EQ(escape_path_segment("x{y.html.en"), "x%7by.html.en");
  EXPECT_EQ(escape_path_segment("a b/c;d"), "a%20b%2fc%3bd");
}

TEST(NegotiationCharset, AcceptCharsetDecides) {
  std::vector<Variant> v = {var("c.html.latin1", "text/html; charset=iso-8859-1"),
                            var("c.html.utf8", "text/html; charset=utf-8")};
  Input in;
  std::string ac = "utf-8";
  in.accept_charset = ac;
  Outcome o;
  EXPECT_EQ(chosen(v, in, &o), "c.html.utf8");
  EXPECT_EQ(o.vary, "negotiate,accept-charset");
  ac = "iso-8859-1;q=1, utf-8;q=0.5";
  in.accept_charset = ac;
  v = {var("c.html.latin1", "text/html; charset=iso-8859-1"),
       var("c.html.utf8", "text/html; charset=utf-8")};
  EXPECT_EQ(chosen(v, in), "c.html.latin1");
}

TEST(NegotiationTcn, NegotiateTransAsksForAList) {
  Input in;
  std::string n = "trans";
  in.negotiate = n;
  auto v = en_fr();
  Outcome o;
  EXPECT_EQ(chosen(v, in, &o), "");
  EXPECT_EQ(o.status, 300);
  EXPECT_EQ(o.tcn, "list");
  EXPECT_FALSE(o.alternates.empty());
  // Lynx's bare "trans" is ignored.
  in.user_agent = "Lynx/2.8";
  v = en_fr();
  EXPECT_EQ(chosen(v, in, &o), "doc.html.fr");
  // "*" lets the server choose, and sends Alternates.
  in.user_agent = "";
  n = "trans, *";
  in.negotiate = n;
  v = en_fr();
  EXPECT_EQ(chosen(v, in, &o), "doc.html.fr");
  EXPECT_EQ(o.tcn, "choice");
  EXPECT_FALSE(o.alternates.empty());
}

TEST(NegotiationTcn, NotGetIsNotTransparent) {
  Input in;
  in.get_or_head = false;
  auto v = en_fr();
  Outcome o;
  EXPECT_EQ(chosen(v, in, &o), "doc.html.fr");
  EXPECT_EQ(o.vary, "accept-language");
  EXPECT_EQ(o.tcn, "");
}

TEST(NegotiationList, VariantListPage) {
  std::vector<Variant> v = {var("a b.html.en", "text/html; charset=utf-8", {"en"}, "x-gzip")};
  EXPECT_EQ(variant_list_html(v),
            "Available variants:\n<ul>\n<li><a href=\"a%20b.html.en\">a b.html.en</a> , type "
            "text/html, language en, charset utf-8, encoding x-gzip</li>\n</ul>\n");
}

}  // namespace
}  // namespace tern::negotiation
