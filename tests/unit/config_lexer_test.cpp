#include "config/config_lexer.h"

#include <gtest/gtest.h>

#include <map>

namespace tern::cfg {
namespace {

// split_lines for text that must lex without error.
std::vector<LogicalLine> split_lines(std::string_view text) {
  std::vector<LogicalLine> out;
  int line = 0;
  EXPECT_EQ(cfg::split_lines(text, out, line), "");
  return out;
}

std::vector<std::string> texts(const std::vector<LogicalLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text);
  return out;
}

TEST(ConfigLexer, SplitsLinesAndDropsCommentsAndBlanks) {
  auto lines = split_lines("# comment\n\n  Listen 80  \n\t# indented comment\nKeepAlive On\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].line, 3);
  EXPECT_EQ(lines[0].text, "Listen 80");
  EXPECT_EQ(lines[1].line, 5);
  EXPECT_EQ(lines[1].text, "KeepAlive On");
}

TEST(ConfigLexer, HashInsideALineIsNotAComment) {
  auto lines = split_lines("ServerName a#b\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "ServerName a#b");
}

TEST(ConfigLexer, BackslashJoinsLinesAndKeepsFirstLineNumber) {
  auto lines = split_lines("A\nDirectoryIndex a \\\n   b \\  \n c\nB");
  EXPECT_EQ(texts(lines), (std::vector<std::string>{"A", "DirectoryIndex a    b  c", "B"}));
  EXPECT_EQ(lines[1].line, 2);
  EXPECT_EQ(lines[2].line, 5);
}

TEST(ConfigLexer, ContinuedCommentStaysAComment) {
  auto lines = split_lines("# comment \\\nstill comment\nListen 1\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "Listen 1");
  EXPECT_EQ(lines[0].line, 3);
}

TEST(ConfigLexer, CarriageReturnsAndMissingFinalNewline) {
  auto lines = split_lines("A 1\r\nB 2\\\r\n3");
  EXPECT_EQ(texts(lines), (std::vector<std::string>{"A 1", "B 23"}));
}

TEST(ConfigLexer, TrailingContinuationAtEndOfFile) {
  auto lines = split_lines("A 1 \\");
  EXPECT_EQ(texts(lines), (std::vector<std::string>{"A 1"}));
}

TEST(ConfigLexer, SplitsWordsWithQuotesAndEscapes) {
  std::vector<Word> w;
  ASSERT_EQ(split_words(R"(  LogFormat "%h \"%r\" \\x" 'it''s'  plain   )", w), "");
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0].text, "LogFormat");
  EXPECT_FALSE(w[0].quoted);
  EXPECT_EQ(w[1].text, R"(%h "%r" \\x)");
  EXPECT_TRUE(w[1].quoted);
  EXPECT_EQ(w[2].text, "it");
  EXPECT_TRUE(w[2].quoted);
  EXPECT_EQ(w[3].text, "s");
  EXPECT_TRUE(w[3].quoted);
  EXPECT_EQ(w[4].text, "plain");
  EXPECT_FALSE(w[4].quoted);
}

TEST(ConfigLexer, AdjacentQuoteStartsNewWord) {
  std::vector<Word> w;
  ASSERT_EQ(split_words(R"(a "" 'x y')", w), "");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1].text, "");
  EXPECT_TRUE(w[1].quoted);
  EXPECT_EQ(w[2].text, "x y");
}

TEST(ConfigLexer, BackslashOnlyEscapesTheQuoteCharacter) {
  std::vector<Word> w;
  ASSERT_EQ(split_words(R"('it\'s' "a\'b" "\.png$" un\quoted)", w), "");
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].text, "it's");
  EXPECT_EQ(w[1].text, R"(a\'b)");
  EXPECT_EQ(w[2].text, R"(\.png$)");
  EXPECT_EQ(w[3].text, R"(un\quoted)");
}

TEST(ConfigLexer, UnterminatedQuotesAreErrors) {
  std::vector<Word> w;
  EXPECT_EQ(split_words(R"(a "b c)", w), "unterminated double quote");
  w.clear();
  EXPECT_EQ(split_words("a 'b", w), "unterminated single quote");
  w.clear();
  EXPECT_EQ(split_words(R"(a "b\")", w), "unterminated double quote");
}

TEST(ConfigLexer, SubstitutesVariables) {
  std::map<std::string, std::string, std::less<>> vars{{"A", "x"}, {"LONG_NAME", "yy"}};
  VarLookup lookup = [&](std::string_view n) -> const std::string* {
    auto it = vars.find(n);
    return it == vars.end() ? nullptr : &it->second;
  };
  std::string out;
  EXPECT_EQ(substitute_vars("a${A}b${LONG_NAME}${A}", lookup, out), "");
  EXPECT_EQ(out, "axbyyx");
  EXPECT_EQ(substitute_vars("no vars $A {A}", lookup, out), "");
  EXPECT_EQ(out, "no vars $A {A}");
  EXPECT_EQ(substitute_vars("open ${A", lookup, out), "");
  EXPECT_EQ(out, "open ${A");
  EXPECT_EQ(substitute_vars("x ${NOPE} y", lookup, out), "Variable 'NOPE' is undefined");
}

}  // namespace
}  // namespace tern::cfg
