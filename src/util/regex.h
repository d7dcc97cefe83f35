#pragma once
// Every regular expression tern evaluates goes through this wrapper: PCRE2 (httpd's own
// engine, so configurations keep their syntax), JIT-compiled when possible, and matched
// under fixed limits so no pattern or subject can crash or stall a worker. Match state
// is per thread and reused: a match costs no heap allocation in steady state.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;  // pcre2_code from <pcre2.h>, kept out of this header

namespace tern {

// Compile options (bit set). The first four are httpd's RegexDefaultOptions names.
enum RegexOption : unsigned {
  kRegexIcase = 1u << 0,          // ICASE: case-insensitive match
  kRegexExtended = 1u << 1,       // EXTENDED: Perl's /x, blanks and # comments ignored
  kRegexDotAll = 1u << 2,         // DOTALL: Perl's /s, '.' matches newlines
  kRegexDollarEndOnly = 1u << 3,  // DOLLAR_ENDONLY: '$' matches at the very end only
  kRegexNoJit = 1u << 8,          // never JIT-compile (tests of the interpreter path)
};

// httpd's default RegexDefaultOptions: DOTALL DOLLAR_ENDONLY.
inline constexpr unsigned kRegexDefaultOptions = kRegexDotAll | kRegexDollarEndOnly;

// The bounds every match runs under (PCRE2's own defaults are 10,000,000 / 20 GiB).
struct RegexLimits {
  static constexpr uint32_t kMatch = 1'000'000;              // backtracking steps (JIT too)
  static constexpr uint32_t kDepth = 50'000;                 // backtracking depth (interpreter)
  static constexpr uint32_t kHeapKiB = 4096;                 // interpreter frames, KiB
  static constexpr size_t kJitStackBytes = 1u << 20;         // per thread, reserved lazily
  static constexpr size_t kRetainedFrameBytes = 256 * 1024;  // kept per thread after a match
};

// What one match attempt established.
enum class RegexResult {
  kMatch,    // the pattern matched
  kNoMatch,  // it does not match
  kFailed,   // undecided: a limit was hit or the engine failed (see the failure code)
};

// Why a pattern did not compile: PCRE2's message and the offset in the pattern.
struct RegexError {
  std::string message;
  size_t offset = 0;
};

// One captured group as offsets into the subject; unset when the group took no part.
struct RegexCapture {
  static constexpr size_t kUnset = static_cast<size_t>(-1);
  size_t begin = kUnset;
  size_t end = kUnset;
  // True when the group took part in the match.
  bool matched() const { return begin != kUnset; }
  // The captured text within `subject` (the string that was matched); "" when unset.
  std::string_view in(std::string_view subject) const {
    return matched() ? subject.substr(begin, end - begin) : std::string_view();
  }
};

// A named group `(?<name>…)` and its number (several numbers share a name with (?J)).
struct RegexNamedGroup {
  std::string name;
  int number = 0;
};

// A compiled pattern. Immutable and safe to match from any number of threads at once.
class Regex {
 public:
  // Compiles `pattern` with `options` (RegexOption bits; the caller adds the
  // RegexDefaultOptions in effect). On failure returns nullopt and fills `error`.
  static std::optional<Regex> compile(std::string_view pattern, unsigned options,
                                      RegexError* error);

  // Searches `subject` (unanchored unless the pattern says so). On kMatch fills
  // `captures` (group 0 = whole match; groups beyond the pattern's are unset). On
  // kFailed sets `*failure` to the PCRE2 code (see regex_failure_text).
  RegexResult match(std::string_view subject, std::span<RegexCapture> captures = {},
                    int* failure = nullptr) const;
  // As match(), from byte `start` of `subject` (lookbehind and ^ still see the whole
  // subject); `nonempty_anchored` asks for a non-empty match at `start` itself (PCRE2's
  // NOTEMPTY_ATSTART|ANCHORED: the step after an empty match in a global replace).
  RegexResult match_at(std::string_view subject, size_t start, bool nonempty_anchored,
                       std::span<RegexCapture> captures, int* failure = nullptr) const;

  // The source text as written.
  const std::string& pattern() const { return pattern_; }
  // The options it was compiled with.
  unsigned options() const { return options_; }
  // The number of capturing groups (not counting group 0).
  int capture_count() const { return capture_count_; }
  // Named groups in PCRE2's name-table order (sorted by name).
  const std::vector<RegexNamedGroup>& named_groups() const { return named_; }
  // The number of the first group called `name`, or -1.
  int group_number(std::string_view name) const;
  // True when matches run JIT-compiled code.
  bool jit() const { return jit_; }

 private:
  struct CodeFree {
    void operator()(pcre2_real_code_8* code) const;
  };
  Regex() = default;

  std::unique_ptr<pcre2_real_code_8, CodeFree> code_;
  std::string pattern_;
  unsigned options_ = 0;
  int capture_count_ = 0;
  std::vector<RegexNamedGroup> named_;
  bool jit_ = false;
};

// httpd's ap_pregsub, for AliasMatch/RedirectMatch-style targets: appends `tmpl` to
// `*out` with `$0`..`$9` replaced by those captures of `subject` (empty when unset or
// not captured) and `\c` standing for c. False (out unspecified) when the result
// would exceed `max_len` bytes.
bool regex_substitute(std::string_view tmpl, std::string_view subject,
                      std::span<const RegexCapture> captures, std::string* out,
                      size_t max_len = 8192);

// How many allocations this thread's match state has made so far (PCRE2's match data,
// frames and JIT stack); matches in steady state add none.
uint64_t regex_thread_allocations();

// A short, printable description of a kFailed code ("match limit exceeded", …).
std::string regex_failure_text(int failure);

// The first `max` bytes of a pattern or subject for a log line, non-printable bytes as
// \xHH and "..." when cut: error messages never carry an attacker's whole input.
std::string regex_excerpt(std::string_view text, size_t max = 40);

// Applies httpd's `RegexDefaultOptions` words to `*options`, in order: `none` clears,
// `+NAME` adds, `-NAME` removes, a bare NAME sets only that option. Returns "" or the
// error ("option 'X' unknown"); `*options` is left unchanged on error.
std::string apply_regex_default_options(const std::vector<std::string>& words, unsigned* options);

}  // namespace tern
