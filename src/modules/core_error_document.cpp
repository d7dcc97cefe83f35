#include "modules/core_error_document.h"

#include <string_view>

#include "config/config_lexer.h"
#include "config/config_values.h"
#include "config/dir_scope.h"
#include "modules/alias/redirect_map.h"
#include "modules/core_dir.h"
#include "modules/dir_configs.h"

namespace tern::modules {
extern const Module core_module;
}  // namespace tern::modules

namespace tern::cfg {

std::string set_error_document(BuildState& st, const Cmd& c) {
  long long code = 0;
  std::string err = parse_int(c.args[0].text, 400, 599, code);
  if (!err.empty())
    return "unsupported HTTP response code " + shorten(c.args[0].text) + " (400..599)";
  const std::string& text = c.args[1].text;
  // httpd's heuristic (core.c set_error_document): text with a space is a message, then
  // a leading '/' a local URL, then a scheme an external URL; quotes do not matter.
  ErrorDocumentSpec d;
  d.status = static_cast<int>(code);
  d.value = text;
  if (iequals(text, "default")) {
    d.kind = ErrorDocumentSpec::Kind::kDefault;
  } else if (text.find(' ') != std::string::npos) {
    d.kind = ErrorDocumentSpec::Kind::kText;
  } else if (!text.empty() && text.front() == '/') {
    d.kind = ErrorDocumentSpec::Kind::kLocalPath;
  } else if (is_absolute_url(text)) {
    if (code == 401) {
      // A redirect would lose the challenge: httpd ignores the directive (AH00113).
      st.warn({c.file, c.line},
              "cannot use a full URL in a 401 ErrorDocument directive --- ignoring!");
      return "";
    }
    d.kind = ErrorDocumentSpec::Kind::kRedirect;
    if (text.starts_with("http://") || text.starts_with("https://")) {
      std::string_view authority = std::string_view(text).substr(text.find("://") + 3);
      authority = authority.substr(0, authority.find_first_of("/?#"));
      std::string herr = validate_host_port(authority);
      if (!herr.empty()) return "URL " + shorten(text) + ": " + herr;
    }
  } else {
    d.kind = ErrorDocumentSpec::Kind::kText;
  }
  // In a section or .htaccess the entry overlays the enclosing scopes' (core_dir.h);
  // at server level a `default` just removes the status.
  std::vector<ErrorDocumentSpec>& docs =
      st.current_location >= 0 ? dir_scope<CoreDirConfig>(st, modules::core_module).error_documents
                               : st.cfg.error_documents;
  std::erase_if(docs, [&](const ErrorDocumentSpec& e) { return e.status == code; });
  if (st.current_location >= 0 || d.kind != ErrorDocumentSpec::Kind::kDefault)
    docs.push_back(std::move(d));
  return "";
}

}  // namespace tern::cfg

namespace tern {

const ErrorDocumentSpec* dir_error_document(const DirConfigs& dir, int status) {
  static const int index = module_index(modules::core_module);
  const CoreDirConfig* c = dir_config<CoreDirConfig>(dir, index);
  if (c == nullptr) return nullptr;
  for (const ErrorDocumentSpec& d : c->error_documents) {
    if (d.status == status) return &d;
  }
  return nullptr;
}

}  // namespace tern
