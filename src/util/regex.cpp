#include "util/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <strings.h>
#include <cstdlib>

namespace tern {

namespace {

// One thread's match state: the limits, the JIT stack and a match data block that
// grows to the largest pattern seen and is then reused. Its allocator notes when the
// interpreter's frame vector (kept inside the match data by PCRE2) grew past
// kRetainedFrameBytes, so that a hostile match does not pin that memory afterwards.
class ThreadMatchState {
 public:
  ThreadMatchState() {
    general_ =
        pcre2_general_context_create(&ThreadMatchState::alloc, &ThreadMatchState::release, this);
    if (general_ == nullptr) return;
    context_ = pcre2_match_context_create(general_);
    if (context_ == nullptr) return;
    pcre2_set_match_limit(context_, RegexLimits::kMatch);
    pcre2_set_depth_limit(context_, RegexLimits::kDepth);
    pcre2_set_heap_limit(context_, RegexLimits::kHeapKiB);
    // 32 KiB start (ignored by recent PCRE2: the stack is reserved at its maximum and
    // touched only as deep as a match goes).
    jit_stack_ = pcre2_jit_stack_create(32 * 1024, RegexLimits::kJitStackBytes, general_);
    if (jit_stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
  }
  ~ThreadMatchState() {
    pcre2_match_data_free(data_);
    pcre2_jit_stack_free(jit_stack_);
    pcre2_match_context_free(context_);
    pcre2_general_context_free(general_);
  }
  ThreadMatchState(const ThreadMatchState&) = delete;
  ThreadMatchState& operator=(const ThreadMatchState&) = delete;

  // The context with the limits, or null when it could not be allocated.
  pcre2_match_context* context() const { return context_; }

  // A match data block with room for `pairs` offset pairs, or null on allocation failure.
  pcre2_match_data* data(uint32_t pairs) {
    if (data_ != nullptr && pairs_ >= pairs) return data_;
    pcre2_match_data_free(data_);
    pairs_ = pairs < 10 ? 10 : pairs;
    data_ = pcre2_match_data_create(pairs_, general_);
    return data_;
  }

  // Allocations made so far through this state's allocator.
  uint64_t allocations() const { return allocations_; }

  // Drops the match data when a match made it hold a large frame vector.
  void after_match() {
    if (!oversized_) return;
    oversized_ = false;
    pcre2_match_data_free(data_);
    data_ = nullptr;
  }

 private:
  static void* alloc(size_t size, void* self) {
    auto* state = static_cast<ThreadMatchState*>(self);
    ++state->allocations_;
    if (size > RegexLimits::kRetainedFrameBytes) state->oversized_ = true;
    return std::malloc(size);
  }
  static void release(void* p, void*) { std::free(p); }

  pcre2_general_context* general_ = nullptr;
  pcre2_match_context* context_ = nullptr;
  pcre2_jit_stack* jit_stack_ = nullptr;
  pcre2_match_data* data_ = nullptr;
  uint32_t pairs_ = 0;
  bool oversized_ = false;
  uint64_t allocations_ = 0;
};

ThreadMatchState& thread_state() {
  thread_local ThreadMatchState state;
  return state;
}

std::string error_message(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof buf);
  if (n < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

uint32_t pcre2_options(unsigned options) {
  // httpd compiles every pattern with PCRE2_DUPNAMES (ap_regcomp); no UTF mode.
  uint32_t o = PCRE2_DUPNAMES;
  if (options & kRegexIcase) o |= PCRE2_CASELESS;
  if (options & kRegexExtended) o |= PCRE2_EXTENDED;
  if (options & kRegexDotAll) o |= PCRE2_DOTALL;
  if (options & kRegexDollarEndOnly) o |= PCRE2_DOLLAR_ENDONLY;
  return o;
}

}  // namespace

void Regex::CodeFree::operator()(pcre2_real_code_8* code) const {
  pcre2_code_free(code);
}

std::optional<Regex> Regex::compile(std::string_view pattern, unsigned options, RegexError* error) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  const auto* src = reinterpret_cast<PCRE2_SPTR>(pattern.data() ? pattern.data() : "");
  pcre2_code* compiled =
      pcre2_compile(src, pattern.size(), pcre2_options(options), &code, &offset, nullptr);
  if (compiled == nullptr) {
    if (error) *error = RegexError{error_message(code), static_cast<size_t>(offset)};
    return std::nullopt;
  }
  Regex re;
  re.code_.reset(compiled);
  re.pattern_ = std::string(pattern);
  re.options_ = options;
  uint32_t captures = 0;
  pcre2_pattern_info(compiled, PCRE2_INFO_CAPTURECOUNT, &captures);
  re.capture_count_ = static_cast<int>(captures);
  uint32_t name_count = 0;
  uint32_t entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(compiled, PCRE2_INFO_NAMECOUNT, &name_count);
  pcre2_pattern_info(compiled, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(compiled, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < name_count; ++i) {
    PCRE2_SPTR entry = table + static_cast<size_t>(i) * entry_size;
    RegexNamedGroup g;
    g.number = (entry[0] << 8) | entry[1];
    g.name = reinterpret_cast<const char*>(entry + 2);
    re.named_.push_back(std::move(g));
  }
  // Fall back to the interpreter when JIT is unavailable (no support, no executable
  // memory) or refuses the pattern; both run under the same limits.
  if (!(options & kRegexNoJit)) re.jit_ = pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE) == 0;
  return re;
}

int Regex::group_number(std::string_view name) const {
  for (const RegexNamedGroup& g : named_) {
    if (g.name == name) return g.number;
  }
  return -1;
}

RegexResult Regex::match(std::string_view subject, std::span<RegexCapture> captures,
                         int* failure) const {
  return match_at(subject, 0, false, captures, failure);
}

RegexResult Regex::match_at(std::string_view subject, size_t start, bool nonempty_anchored,
                            std::span<RegexCapture> captures, int* failure) const {
  for (RegexCapture& c : captures) c = RegexCapture{};
  ThreadMatchState& ts = thread_state();
  pcre2_match_data* md =
      ts.context() ? ts.data(static_cast<uint32_t>(capture_count_) + 1) : nullptr;
  if (md == nullptr) {
    if (failure) *failure = PCRE2_ERROR_NOMEMORY;
    return RegexResult::kFailed;
  }
  const auto* src = reinterpret_cast<PCRE2_SPTR>(subject.data() ? subject.data() : "");
  uint32_t opts = jit_ ? 0 : PCRE2_NO_JIT;
  if (nonempty_anchored) opts |= PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED;
  int rc = pcre2_match(code_.get(), src, subject.size(), start, opts, md, ts.context());
  RegexResult result = RegexResult::kMatch;
  if (rc == PCRE2_ERROR_NOMATCH) {
    result = RegexResult::kNoMatch;
  } else if (rc < 0) {
    if (failure) *failure = rc;
    result = RegexResult::kFailed;
  } else {
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const size_t set = rc == 0 ? pcre2_get_ovector_count(md) : static_cast<size_t>(rc);
    for (size_t i = 0; i < captures.size() && i < set; ++i) {
      if (ov[2 * i] == PCRE2_UNSET || ov[2 * i + 1] < ov[2 * i]) continue;
      captures[i].begin = ov[2 * i];
      captures[i].end = ov[2 * i + 1];
    }
  }
  ts.after_match();
  return result;
}

bool regex_substitute(std::string_view tmpl, std::string_view subject,
                      std::span<const RegexCapture> captures, std::string* out, size_t max_len) {
  const size_t start = out->size();
  for (size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c == '$' && i + 1 < tmpl.size() && tmpl[i + 1] >= '0' && tmpl[i + 1] <= '9') {
      const auto n = static_cast<size_t>(tmpl[++i] - '0');
      if (n < captures.size()) out->append(captures[n].in(subject));
    } else {
      if (c == '\\' && i + 1 < tmpl.size()) c = tmpl[++i];
      out->push_back(c);
    }
    if (out->size() - start > max_len) return false;
  }
  return true;
}

uint64_t regex_thread_allocations() {
  return thread_state().allocations();
}

std::string regex_failure_text(int failure) {
  switch (failure) {
    case PCRE2_ERROR_MATCHLIMIT:
      return "match limit (" + std::to_string(RegexLimits::kMatch) + " steps) exceeded";
    case PCRE2_ERROR_DEPTHLIMIT:
      return "depth limit (" + std::to_string(RegexLimits::kDepth) + ") exceeded";
    case PCRE2_ERROR_HEAPLIMIT:
      return "heap limit (" + std::to_string(RegexLimits::kHeapKiB) + " KiB) exceeded";
    case PCRE2_ERROR_JIT_STACKLIMIT:
      return "JIT stack limit (" + std::to_string(RegexLimits::kJitStackBytes / 1024) +
             " KiB) exceeded";
    default:
      return error_message(failure);
  }
}

std::string regex_excerpt(std::string_view text, size_t max) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string apply_regex_default_options(const std::vector<std::string>& words, unsigned* options) {
  static const struct {
    const char* name;
    unsigned flag;
  } kNames[] = {{"ICASE", kRegexIcase},
                {"EXTENDED", kRegexExtended},
                {"DOTALL", kRegexDotAll},
                {"DOLLAR_ENDONLY", kRegexDollarEndOnly}};
  unsigned o = *options;
  for (const std::string& word : words) {
    if (strcasecmp(word.c_str(), "none") == 0) {
      o = 0;
      continue;
    }
    int how = 0;
    std::string_view name = word;
    if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
      how = name[0] == '+' ? 1 : -1;
      name.remove_prefix(1);
    }
    unsigned flag = 0;
    for (const auto& n : kNames) {
      if (name.size() == std::string_view(n.name).size() &&
          strncasecmp(name.data(), n.name, name.size()) == 0)
        flag = n.flag;
    }
    if (flag == 0) return "option '" + regex_excerpt(name) + "' unknown";
    if (how > 0) {
      o |= flag;
    } else if (how < 0) {
      o &= ~flag;
    } else {
      o = flag;
    }
  }
  *options = o;
  return "";
}

}  // namespace tern
