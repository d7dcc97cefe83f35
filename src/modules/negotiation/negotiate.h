#pragma once
// httpd's mod_negotiation variant selection, free of I/O: the Accept* header parsing
// (get_entry, atoq), the per-variant qualities (set_accept_quality, set_language_quality,
// set_charset_quality, set_encoding_quality), Apache's algorithm and RVSA/1.0
// (is_variant_better, is_variant_better_rvsa, best_match), and the Vary, TCN and
// Alternates headers and the variant list page (set_neg_headers, make_variant_list).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tern::negotiation {

// One item of an Accept* header or a variant's media type (httpd's accept_rec).
struct AcceptItem {
  std::string name;  // lower-case
  float quality = 1.0f;
  float level = 0.0f;
  std::string charset;  // the charset= parameter (media types only), lower-case
};

// httpd's atoq: a q-value ("0.5", ".5", "1") as thousandths; "" is 1.
float parse_qvalue(std::string_view s);

// httpd's do_header_line: every item of an Accept-style header, in order.
std::vector<AcceptItem> parse_accept(std::string_view line);

// httpd's get_entry for one media type ("text/html; charset=UTF-8; qs=0.5"): text/html
// defaults to level 2.
AcceptItem parse_media_type(std::string_view type);

// ForceLanguagePriority flags (httpd's FLP_*); kFlpUndef means Prefer.
enum ForcePriority : unsigned { kFlpUndef = 0, kFlpNone = 1, kFlpPrefer = 2, kFlpFallback = 4 };

// One variant (httpd's var_rec): what the file is, then what negotiation computed.
struct Variant {
  std::string file_name;               // the name in the directory, "doc.html.en"
  std::string content_type;            // as sent (mod_mime's, with "; charset=…"); "" unknown
  std::string mime_type;               // lower-case, without parameters
  std::string charset;                 // lower-case; "" when none
  std::string encoding;                // Content-Encoding (AddEncoding), "" when none
  std::vector<std::string> languages;  // Content-Language tags, lower-case
  float source_quality = 1.0f;         // the type's qs parameter
  float level = 0.0f;
  int64_t bytes = -1;        // size, -1 when unknown
  bool has_handler = false;  // AddHandler gave it one (a script: no length in Alternates)
  bool is_pseudo_html = false;
  // Computed by negotiate():
  float lang_quality = 1.0f;
  float encoding_quality = 1.0f;
  float charset_quality = 1.0f;
  float mime_type_quality = 1.0f;
  float level_matched = 0.0f;
  int mime_stars = 0;
  int lang_index = -1;
  bool definite = true;
};

// Builds a variant from its file name, mod_mime's content type (may carry charset= and
// qs=), encoding and languages.
Variant make_variant(std::string file_name, std::string_view content_type,
                     std::string_view encoding, std::vector<std::string> languages, int64_t bytes,
                     bool has_handler);

// httpd's variantsortf: by source quality (descending), then file name.
void sort_variants(std::vector<Variant>& variants);

// What the request and configuration bring to the choice.
struct Input {
  std::optional<std::string_view> accept, accept_language, accept_encoding, accept_charset;
  std::optional<std::string_view> negotiate;  // the Negotiate header (RFC 2295)
  std::string_view user_agent;
  bool get_or_head = true;              // GET/HEAD: the resource is transparently negotiable
  bool prefer_scripts = false;          // not GET, or a query string (CGI variants win)
  unsigned force_priority = kFlpUndef;  // ForceLanguagePriority
  const std::vector<std::string>* language_priority = nullptr;  // LanguagePriority
  std::optional<std::string_view> prefer_language;              // env prefer-language
  bool no_gzip = false;                                         // env no-gzip
  bool gzip_only_text_html = false;                             // env gzip-only-text/html=1
};

// The result of one negotiation.
struct Outcome {
  // 0: serve variants[best]; 300 (a TCN client asked for a list) or 406 (nothing
  // acceptable): answer that status with the variant list.
  int status = 0;
  int best = -1;           // index into the variants, -1 when none
  std::string vary;        // the Vary value, "" for none
  std::string tcn;         // the TCN value ("choice", "list"), "" for none
  std::string alternates;  // the Alternates value, "" for none
};

// httpd's do_negotiation over `variants` (sorted, qualities filled in as a side effect).
Outcome negotiate(std::vector<Variant>& variants, const Input& in);

// httpd's make_variant_list: "Available variants:\n<ul>\n<li>…</li>\n</ul>\n".
std::string variant_list_html(const std::vector<Variant>& variants);

// httpd's fix_encoding: the Content-Encoding to send for `encoding` given the request's
// Accept-Encoding (the client's own spelling, gzip or x-gzip); `encoding` when none fits.
std::string fix_encoding(std::string_view encoding,
                         std::optional<std::string_view> accept_encoding);

// httpd's ap_escape_path_segment: %XX for what may not stand in a path segment.
std::string escape_path_segment(std::string_view s);

}  // namespace tern::negotiation
