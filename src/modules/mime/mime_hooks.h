#pragma once
// mod_mime's type_checker (httpd's find_ct): the content type, encoding, language,
// charset and handler of r.filename from its extensions and the merged per-directory
// AddType/AddCharset/AddLanguage/AddEncoding/AddHandler of mime_module.

#include "http/mime_table.h"
#include "modules/module.h"

namespace tern {

// Stateless but for the server's TypesConfig table, so the site adds it (SiteHandler).
class MimeHooks final : public ModuleHooks {
 public:
  // `table` (not owned) is the TypesConfig table; it must outlive the hooks.
  explicit MimeHooks(const MimeTable* table) : table_(table) {}
  // Sets r.content and (AddHandler) r.handler; kOk when a type is known, else kDeclined.
  int type_checker(RequestRec& r) const override;

 private:
  const MimeTable* table_;
};

}  // namespace tern
