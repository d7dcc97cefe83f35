// mod_negotiation's directives (LanguagePriority, ForceLanguagePriority,
// CacheNegotiatedDocs) as httpd reads and merges them, and describe_variant's reading of
// a variant's file name with mod_mime's rule.

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "modules/dir_configs.h"
#include "modules/negotiation/neg_config.h"
#include "modules/negotiation/variant_meta.h"
#include "modules/registry.h"

namespace tern {
namespace {

const NegDirConfig* neg(const DirConfigs& d) {
  return dir_config<NegDirConfig>(d, module_index(*find_module("negotiation_module")));
}

class NegotiationConfig : public testing::ConfigTest {};

TEST_F(NegotiationConfig, DebiansNegotiationConf) {
  auto c = ok(
      "LanguagePriority en ca cs da de el eo es et fr he hr it ja ko ltz nl nn no pl pt pt-BR ru "
      "sv tr zh-CN zh-TW\nForceLanguagePriority Prefer Fallback\nCacheNegotiatedDocs Off\n");
  const DirConfigs d = server_dir_configs(*c);
  const NegDirConfig* n = neg(d);
  ASSERT_NE(n, nullptr);
  ASSERT_TRUE(n->language_priority);
  EXPECT_EQ(n->language_priority->size(), 27u);
  EXPECT_EQ(n->language_priority->front(), "en");
  EXPECT_EQ(n->language_priority->at(21), "pt-BR");
  EXPECT_EQ(n->force_priority, negotiation::kFlpPrefer | negotiation::kFlpFallback);
  EXPECT_FALSE(n->cache_negotiated_docs);
}

TEST_F(NegotiationConfig, ForceLanguagePriorityErrorsAsHttpd) {
  EXPECT_NE(err("ForceLanguagePriority None Prefer\n")
                .find("Cannot combine ForceLanguagePriority options None and Prefer"),
            std::string::npos);
  EXPECT_NE(err("ForceLanguagePriority Prefer None\n")
                .find("Cannot combine ForceLanguagePriority options with None"),
            std::string::npos);
  EXPECT_NE(err("ForceLanguagePriority Often\n").find("Invalid ForceLanguagePriority option Often"),
            std::string::npos);
  EXPECT_NE(err("<Location /x>\nCacheNegotiatedDocs On\n</Location>\n"), "");
}

TEST_F(NegotiationConfig, SubdirectoryWinsWhereItSetsAValue) {
  NegDirConfig base;
  base.force_priority = negotiation::kFlpFallback;
  base.language_priority = std::vector<std::string>{"en", "fr"};
  NegDirConfig add;
  add.language_priority = std::vector<std::string>{"de"};
  auto merged = base.merge(add);
  const auto& m = static_cast<const NegDirConfig&>(*merged);
  EXPECT_EQ(m.force_priority, negotiation::kFlpFallback);
  EXPECT_EQ(*m.language_priority, std::vector<std::string>{"de"});
  NegDirConfig add2;
  add2.force_priority = negotiation::kFlpNone;
  auto merged2 = base.merge(add2);
  const auto& m2 = static_cast<const NegDirConfig&>(*merged2);
  EXPECT_EQ(m2.force_priority, negotiation::kFlpNone);
  EXPECT_EQ(*m2.language_priority, (std::vector<std::string>{"en", "fr"}));
}

TEST_F(NegotiationConfig, VariantMetadataFromEveryExtension) {
  auto c =
      ok("AddLanguage en .en\nAddLanguage fr .FR\nAddEncoding x-gzip .gz\n"
         "AddCharset UTF-8 .utf8\nAddType text/html .html\nAddType text/plain .txt\n");
  const DirConfigs d = server_dir_configs(*c);
  const MimeTable types = MimeTable::from_text("image/png png\n", {});
  VariantMeta m = describe_variant(&d, types, "doc.html.en");
  EXPECT_EQ(m.content_type, "text/html");
  EXPECT_EQ(m.languages, std::vector<std::string>{"en"});
  EXPECT_TRUE(m.found_metadata);
  EXPECT_EQ(m.exceptions, std::vector<std::string>{"doc"});
  m = describe_variant(&d, types, "doc.fr.utf8.txt.gz");
  EXPECT_EQ(m.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(m.languages, std::vector<std::string>{"fr"});
  EXPECT_EQ(m.encoding, "x-gzip");
  m = describe_variant(&d, types, "doc.html.bak");
  EXPECT_EQ(m.exceptions, (std::vector<std::string>{"doc", "bak"}));
  m = describe_variant(&d, types, "doc.zzz");
  EXPECT_FALSE(m.found_metadata);
  // TypesConfig's types count; the exceptions keep the name's own spelling.
  m = describe_variant(&d, types, "Doc.PNG.Bak");
  EXPECT_EQ(m.content_type, "image/png");
  EXPECT_TRUE(m.found_metadata);
  EXPECT_EQ(m.exceptions, (std::vector<std::string>{"Doc", "Bak"}));
}

TEST_F(NegotiationConfig, VariantMetadataAsModMimeDecides) {
  auto c =
      ok("AddLanguage en .en\nAddLanguage de .de\nAddType text/html .html\n"
         "AddHandler cgi-script .cgi\nAddCharset UTF-8 .utf8\n");
  const DirConfigs d = server_dir_configs(*c);
  const MimeTable types = MimeTable::from_text("", {});
  // Two languages, in extension order.
  VariantMeta m = describe_variant(&d, types, "doc.html.en.de");
  EXPECT_EQ(m.languages, (std::vector<std::string>{"en", "de"}));
  // A handler alone is no metadata (httpd's MultiviewsMatch NegotiatedOnly).
  m = describe_variant(&d, types, "doc.cgi");
  EXPECT_EQ(m.handler, "cgi-script");
  EXPECT_FALSE(m.found_metadata);
  EXPECT_EQ(m.exceptions, (std::vector<std::string>{"doc", "cgi"}));
  // A charset alone is metadata (no type to carry it).
  m = describe_variant(&d, types, "doc.utf8");
  EXPECT_TRUE(m.found_metadata);
  EXPECT_EQ(m.content_type, "");
  // Leading dots belong to the base name.
  m = describe_variant(&d, types, ".doc.html");
  EXPECT_EQ(m.exceptions, std::vector<std::string>{".doc"});
  EXPECT_EQ(m.content_type, "text/html");
}

}  // namespace
}  // namespace tern
