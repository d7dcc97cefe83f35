#pragma once
// mod_rewrite's server-level rules (RewriteEngine, RewriteCond, RewriteRule in the main
// server or a <VirtualHost>), as the configuration reader builds them.

#include <memory>
#include <string>
#include <vector>

#include "util/regex.h"

namespace tern {

// One `RewriteCond TestString CondPattern [flags]`.
struct RewriteCondSpec {
  enum class Op : uint8_t {
    kRegex,
    kEqual,
    kLess,
    kGreater,
    kLessEq,
    kGreaterEq,
    kIntEq,
    kIntNe,
    kIntLt,
    kIntLe,
    kIntGt,
    kIntGe
  };
  std::string test;  // %{VAR}, $N and %N expanded per request
  Op op = Op::kRegex;
  std::string operand;                 // what a comparison compares with
  std::shared_ptr<const Regex> regex;  // kRegex
  bool negate = false;                 // `!CondPattern`
  bool nocase = false;                 // [NC]
  bool or_next = false;                // [OR]
};

// One `RewriteRule Pattern Substitution [flags]` with the conditions before it.
struct RewriteRuleSpec {
  std::shared_ptr<const Regex> pattern;
  bool negate = false;       // `!Pattern` (no $N then)
  std::string substitution;  // "-" = no substitution
  std::vector<RewriteCondSpec> conds;
  int status = 0;          // [R=…] (3xx: a redirect), [F] 403, [G] 410, or [R=4xx/5xx]
  bool last = false;       // [L] or [END]
  bool noescape = false;   // [NE]
  bool qsappend = false;   // [QSA]
  bool qsdiscard = false;  // [QSD]
};

// A server's (or virtual host's) rewrite configuration; not inherited by virtual hosts.
struct RewriteServerConfig {
  bool engine = false;
  std::vector<RewriteRuleSpec> rules;
  std::vector<RewriteCondSpec> pending;  // RewriteCond lines waiting for their rule
  std::string pending_at;                // FILE:LINE of the first of them
};

}  // namespace tern
