#pragma once
// mod_negotiation's hooks: the MultiViews type_checker (httpd's handle_multi) and the
// type-map handler, which tern refuses (500 and a log line).

#include <functional>
#include <string>
#include <string_view>

#include "http/mime_table.h"
#include "modules/module.h"

namespace tern {

// Stateless but for the server's TypesConfig table and error log, so the site adds it.
class NegotiationHooks final : public ModuleHooks {
 public:
  // `types` and `log` (not owned) must outlive the hooks; `log` may be replaced later.
  NegotiationHooks(const MimeTable* types, const std::function<void(std::string_view)>* log)
      : types_(types), log_(log) {}
  // MultiViews: a request for a file that does not exist, with Options MultiViews,
  // chooses among the files "NAME.*" next to it (kOk: r.filename is the variant), or
  // fails with 300/404/406/500; kDeclined otherwise.
  int type_checker(RequestRec& r) const override;
  // `SetHandler type-map` / a .var file: not implemented, 500 with a log line.
  int handler(RequestRec& r) const override;

 private:
  void log(const RequestRec& r, std::string_view msg) const;
  struct Scan;  // the variants found, and their handlers
  // httpd's read_types_multi: the variants "PREFIX.*" in `dir_name` into `scan`; kOk
  // when some, kDeclined when no file matched, else a status.
  int read_variants(RequestRec& r, const std::string& dir_name, std::string_view prefix,
                    Scan& scan) const;
  const MimeTable* types_;
  const std::function<void(std::string_view)>* log_;
};

}  // namespace tern
