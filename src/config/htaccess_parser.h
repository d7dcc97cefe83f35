#pragma once
// Reads an .htaccess file (httpd's ap_parse_htaccess): the same lexer, parser and
// directive setters as the main configuration, but every directive must be allowed by
// the directory's AllowOverride classes or AllowOverrideList.

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace tern {

// What an .htaccess file may set: the merged per-directory state of its directory.
struct HtaccessLimits {
  unsigned allow_override = 0;                              // cfg::AllowOverride bits
  const std::vector<std::string>* override_list = nullptr;  // AllowOverrideList names
  unsigned override_opts = 0;  // the Options it may set (core_dir.h OptionBits)
};

// The sections of one .htaccess file: [0] is the file itself (SectionKind::kHtaccess,
// pattern = its directory with a trailing '/'), then its <Files>/<FilesMatch>/… with
// `parent` indices into this vector.
struct HtaccessSpec {
  std::vector<SectionSpec> sections;
};

// Parses `text`, read from `path` (an .htaccess in directory `dir`, trailing '/'), for
// `server`'s configuration (its active modules and ServerRoot). False with `*error` set to
// the first error ("path:line: Directive: message") when a directive is unknown, not
// allowed by `limits`, or invalid.
bool parse_htaccess(std::string_view text, const std::string& path, const std::string& dir,
                    const Config& server, const HtaccessLimits& limits, HtaccessSpec* out,
                    std::string* error);

}  // namespace tern
