// The PCRE2 wrapper: httpd's syntax, RegexDefaultOptions semantics, limits that turn
// catastrophic patterns into a quick "failed" result, per-thread match state reuse.

#include "util/regex.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace tern {
namespace {

using Clock = std::chrono::steady_clock;

// Compiles or fails the test.
Regex must(std::string_view pattern, unsigned options) {
  RegexError e;
  auto re = Regex::compile(pattern, options, &e);
  EXPECT_TRUE(re.has_value()) << pattern << ": " << e.message << " at " << e.offset;
  if (!re) return *Regex::compile("(*FAIL)", 0, nullptr);
  return std::move(*re);
}

// Runs every syntax test with JIT (when available) and with the interpreter.
class RegexEngine : public ::testing::TestWithParam<unsigned> {
 protected:
  Regex re(std::string_view pattern, unsigned options = kRegexDefaultOptions) {
    return must(pattern, options | GetParam());
  }
  bool hit(std::string_view pattern, std::string_view subject,
           unsigned options = kRegexDefaultOptions) {
    RegexResult r = re(pattern, options).match(subject);
    EXPECT_NE(r, RegexResult::kFailed) << pattern;
    return r == RegexResult::kMatch;
  }
};

INSTANTIATE_TEST_SUITE_P(Engines, RegexEngine, ::testing::Values(0u, kRegexNoJit),
                         [](const auto& info) { return info.param ? "Interpreter" : "Jit"; });

TEST_P(RegexEngine, PcreSyntaxThatEcmaScriptLacks) {
  // Inline flags.
  EXPECT_TRUE(hit("(?i)^/admin/", "/ADMIN/x"));
  EXPECT_FALSE(hit("^/admin/", "/ADMIN/x"));
  // Lookbehind.
  EXPECT_TRUE(hit("(?<=/api/)v\\d+$", "/api/v12"));
  EXPECT_FALSE(hit("(?<=/api/)v\\d+$", "/app/v12"));
  // Possessive quantifier: a++ never gives back, so "a++a" cannot match.
  EXPECT_FALSE(hit("^/a++a", "/aaaa"));
  EXPECT_TRUE(hit("^/a+a", "/aaaa"));
  // Atomic group and \d, \w, \s, \A, \z.
  EXPECT_TRUE(hit("\\A/(?>\\w+)\\s\\d{2}\\z", "/ab_1 42"));
  EXPECT_FALSE(hit("\\d", "/no-digits"));
  // Unanchored search, as httpd's ap_regexec.
  EXPECT_TRUE(hit("\\.php$", "/x/index.php"));
}

TEST_P(RegexEngine, NamedAndNumberedCaptures) {
  Regex r = re("^/(?<user>[a-z]+)/(?<id>\\d+)(/(x))?$");
  EXPECT_EQ(r.capture_count(), 4);
  ASSERT_EQ(r.named_groups().size(), 2u);
  EXPECT_EQ(r.named_groups()[0].name, "id");
  EXPECT_EQ(r.group_number("user"), 1);
  EXPECT_EQ(r.group_number("id"), 2);
  EXPECT_EQ(r.group_number("nope"), -1);
  std::string subject = "/bob/42";
  std::array<RegexCapture, 10> caps;
  ASSERT_EQ(r.match(subject, caps), RegexResult::kMatch);
  EXPECT_EQ(caps[0].in(subject), "/bob/42");
  EXPECT_EQ(caps[1].in(subject), "bob");
  EXPECT_EQ(caps[2].in(subject), "42");
  EXPECT_FALSE(caps[3].matched());  // optional group not taken
  EXPECT_FALSE(caps[9].matched());  // beyond the pattern's groups
  // Fewer slots than groups: only those are filled.
  std::array<RegexCapture, 2> two;
  ASSERT_EQ(r.match(subject, two), RegexResult::kMatch);
  EXPECT_EQ(two[1].in(subject), "bob");
  // A failed match leaves every slot unset.
  EXPECT_EQ(r.match("/bob/x", caps), RegexResult::kNoMatch);
  EXPECT_FALSE(caps[0].matched());
  // Duplicate names are allowed, as httpd compiles with PCRE2_DUPNAMES.
  Regex dup = re("^/(?:(?<n>a)|(?<n>b))$");
  EXPECT_EQ(dup.match("/b"), RegexResult::kMatch);
}

TEST_P(RegexEngine, HttpdDefaultsDotAllAndDollarEndOnly) {
  // DOTALL: '.' matches a newline (a decoded %0A in a path).
  EXPECT_TRUE(hit("^/a.b$", "/a\nb"));
  EXPECT_FALSE(hit("^/a.b$", "/a\nb", 0));
  // DOLLAR_ENDONLY: '$' does not match before a final newline.
  EXPECT_FALSE(hit("^/a$", "/a\n"));
  EXPECT_TRUE(hit("^/a$", "/a\n", 0));
  EXPECT_TRUE(hit("^/a$", "/a"));
  // ICASE and EXTENDED.
  EXPECT_TRUE(hit("^/ABC$", "/abc", kRegexIcase));
  EXPECT_FALSE(hit("^/ABC$", "/abc", 0));
  EXPECT_TRUE(hit("^/ a b c  # comment\n$", "/abc", kRegexExtended));
  EXPECT_FALSE(hit("^/ a b c$", "/abc", 0));
}

TEST_P(RegexEngine, CatastrophicPatternsFailQuicklyWithTheLimit) {
  // (a+)+$ against a's followed by a b backtracks exponentially without a limit.
  std::string subject = "/" + std::string(30000, 'a') + "b";
  Regex r = re("(a+)+$");
  auto start = Clock::now();
  int failure = 0;
  EXPECT_EQ(r.match(subject, {}, &failure), RegexResult::kFailed);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(regex_failure_text(failure).find("match limit"), std::string::npos)
      << regex_failure_text(failure);
  // The same pattern is fine where it can match.
  EXPECT_EQ(r.match("/aaab" + std::string(10, 'a')), RegexResult::kMatch);
  // Nested quantifiers over a long non-matching suffix: undecided, never a hang.
  Regex nested = re("^/(\\w+\\s?)*$");
  start = Clock::now();
  EXPECT_EQ(nested.match("/" + std::string(5000, 'a') + "!"), RegexResult::kFailed);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST_P(RegexEngine, LongGroupRepetitionDoesNotCrash) {
  // std::regex recursed once per character here and overflowed the stack (SIGSEGV).
  std::string subject = "/" + std::string(30000, 'a');
  for (const char* pattern : {"^/(a|b)*x", "^/(a|b)*$", "^/(?:a|ab)*c"}) {
    Regex r = re(pattern);
    int failure = 0;
    RegexResult res = r.match(subject, {}, &failure);
    if (std::string_view(pattern) == "^/(a|b)*$") {
      EXPECT_NE(res, RegexResult::kNoMatch) << pattern;  // match, or a limit
    } else {
      EXPECT_NE(res, RegexResult::kMatch) << pattern;
    }
    if (res == RegexResult::kFailed) {
      EXPECT_NE(regex_failure_text(failure).find("limit"), std::string::npos);
    }
  }
  // A URL of httpd's default LimitRequestLine still gets a real answer.
  std::string line = "/" + std::string(8000, 'a');
  EXPECT_EQ(re("^/(a|b)*$").match(line), RegexResult::kMatch);
  EXPECT_EQ(re("^/(a|b)*x").match(line), RegexResult::kNoMatch);
}

TEST(Regex, JitIsUsedWhereAvailableAndCanBeTurnedOff) {
#if defined(__x86_64__) || defined(__aarch64__)
  EXPECT_TRUE(must("^/a", 0).jit());
#endif
  EXPECT_FALSE(must("^/a", kRegexNoJit).jit());
  EXPECT_EQ(must("^/a", kRegexIcase | kRegexNoJit).options(), kRegexIcase | kRegexNoJit);
}

TEST(Regex, CompileErrorsCarryMessageAndOffset) {
  RegexError e;
  EXPECT_FALSE(Regex::compile("^/(a", 0, &e).has_value());
  EXPECT_NE(e.message.find("missing closing parenthesis"), std::string::npos) << e.message;
  EXPECT_EQ(e.offset, 4u);
  EXPECT_FALSE(Regex::compile("[z-a]", 0, &e).has_value());
  EXPECT_NE(e.message.find("range out of order"), std::string::npos) << e.message;
  EXPECT_EQ(e.offset, 3u);
  // A pattern with a NUL byte is taken whole, not cut at the NUL.
  std::string with_nul("^/a\0b$", 6);
  Regex r = must(with_nul, 0);
  EXPECT_EQ(r.match(std::string("/a\0b", 4)), RegexResult::kMatch);
  EXPECT_EQ(r.match("/a"), RegexResult::kNoMatch);
}

TEST(Regex, SteadyStateMatchesAllocateNothing) {
  Regex small = must("^/(?<a>x+)(y)?", 0);
  Regex big = must("^/((((((((((((a))))))))))))", 0);
  Regex interp = must("^/(a|b)*$", kRegexNoJit);
  std::array<RegexCapture, 4> caps;
  // Warm up: the thread's state grows to the largest pattern and the interpreter's frames.
  big.match("/a", caps);
  interp.match("/abab", caps);
  const uint64_t before = regex_thread_allocations();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(small.match("/xxxy", caps), RegexResult::kMatch);
    ASSERT_EQ(big.match("/a", caps), RegexResult::kMatch);
    ASSERT_EQ(interp.match("/abba", caps), RegexResult::kMatch);
    ASSERT_EQ(small.match("/q", caps), RegexResult::kNoMatch);
  }
  EXPECT_EQ(regex_thread_allocations(), before);
  // A heap-hungry interpreter match does not leave its frames behind: the next
  // match builds small state again.
  interp.match("/" + std::string(8000, 'a'));
  const uint64_t after_big = regex_thread_allocations();
  EXPECT_GT(after_big, before);
  interp.match("/ab");
  EXPECT_GT(regex_thread_allocations(), after_big);
}

TEST(Regex, SharedAcrossThreads) {
  Regex r = must("^/(?<n>\\d+)/(a|b)*$", kRegexDefaultOptions);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string s = "/" + std::to_string(t * 10000 + i) + "/abab";
        std::array<RegexCapture, 2> caps;
        if (r.match(s, caps) != RegexResult::kMatch ||
            caps[1].in(s) != std::to_string(t * 10000 + i))
          ++wrong;
        if (r.match(s + "c") != RegexResult::kNoMatch) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(RegexDefaultOptions, HttpdSemantics) {
  auto apply = [](std::vector<std::string> words, unsigned start = kRegexDefaultOptions) {
    unsigned o = start;
    std::string err = apply_regex_default_options(words, &o);
    EXPECT_EQ(err, "");
    return o;
  };
  EXPECT_EQ(kRegexDefaultOptions, kRegexDotAll | kRegexDollarEndOnly);
  EXPECT_EQ(apply({"none"}), 0u);
  EXPECT_EQ(apply({"None", "+ICASE"}), kRegexIcase);
  EXPECT_EQ(apply({"+ICASE"}), kRegexDefaultOptions | kRegexIcase);
  EXPECT_EQ(apply({"-DOLLAR_ENDONLY"}), kRegexDotAll);
  EXPECT_EQ(apply({"DOTALL"}), kRegexDotAll);
  // Applied in order and blindly: a bare name replaces what came before.
  EXPECT_EQ(apply({"DOTALL", "ICASE"}), kRegexIcase);
  EXPECT_EQ(apply({"DOTALL", "+ICASE"}), kRegexDotAll | kRegexIcase);
  EXPECT_EQ(apply({"icase", "+extended", "-icase"}), kRegexExtended);
  EXPECT_EQ(apply({"+dollar_endonly"}, 0), kRegexDollarEndOnly);

  unsigned o = kRegexDefaultOptions;
  EXPECT_EQ(apply_regex_default_options({"+ICASE", "UTF8"}, &o), "option 'UTF8' unknown");
  EXPECT_EQ(o, kRegexDefaultOptions);  // unchanged on error
  EXPECT_EQ(apply_regex_default_options({"+none"}, &o), "option 'none' unknown");
  EXPECT_EQ(apply_regex_default_options({"+"}, &o), "option '' unknown");
  EXPECT_EQ(apply_regex_default_options({std::string(100, 'X')}, &o),
            "option '" + std::string(40, 'X') + "...' unknown");
}

TEST(Regex, SubstituteAsHttpdPregsub) {
  Regex r = must("^/img/(\\w+)\\.(png|gif)(x)?$", kRegexDefaultOptions);
  std::string subject = "/img/cat.png";
  std::array<RegexCapture, 10> caps;
  ASSERT_EQ(r.match(subject, caps), RegexResult::kMatch);
  std::string out = "prefix:";
  EXPECT_TRUE(regex_substitute("/data/$2/$1.$2[$3$9]\\$1$", subject, caps, &out));
  EXPECT_EQ(out, "prefix:/data/png/cat.png[]$1$");
  out.clear();
  EXPECT_TRUE(regex_substitute("$0 $a \\", subject, caps, &out));
  EXPECT_EQ(out, "/img/cat.png $a \\");
  out.clear();
  EXPECT_TRUE(regex_substitute("$1", subject, std::span<const RegexCapture>(caps).first(1), &out));
  EXPECT_EQ(out, "");  // $1 beyond the captures given
  out.clear();
  EXPECT_FALSE(regex_substitute("$0$0$0", subject, caps, &out, 30));
  EXPECT_TRUE(regex_substitute("$0$0", subject, caps, &out, 30));
}

TEST(Regex, ExcerptIsShortAndPrintable) {
  EXPECT_EQ(regex_excerpt("^/abc"), "^/abc");
  EXPECT_EQ(regex_excerpt(std::string("a\nb\x01\xff", 5)), "a\\x0ab\\x01\\xff");
  EXPECT_EQ(regex_excerpt(std::string(50, 'a'), 10), "aaaaaaaaaa...");
}

}  // namespace
}  // namespace tern
