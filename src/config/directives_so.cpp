// LoadModule (mod_so): activates the built-in module it names; the file is not opened.

#include "config/config_values.h"
#include "config/directive_setters.h"

namespace tern::cfg {

std::string set_load_module(BuildState& st, const Cmd& c) {
  const std::string where = c.file + ":" + std::to_string(c.line);
  bool repeated = false;
  std::string err = st.modules.load(c.args[0].text, where, &repeated);
  // Whatever was read before the first LoadModule relying on a module httpd would not
  // have had yet is an error now (httpd reads LoadModule in file order).
  for (const ModuleSet::EarlyUse& u : st.modules.take_early_uses()) {
    st.add_error(format_error(u.file, u.line, u.what,
                              u.what + " is read before the first LoadModule (" + where +
                                  ") and relies on " + u.module +
                                  ", which httpd would not have loaded yet; move the "
                                  "LoadModule lines first"));
  }
  if (!err.empty()) return err;
  if (repeated)
    st.warn({c.file, c.line}, "module " + shorten(c.args[0].text) + " is already loaded, skipping");
  return "";
}

}  // namespace tern::cfg
