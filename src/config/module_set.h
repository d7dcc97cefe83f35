#pragma once
// The modules active while a configuration is read (httpd's ap_loaded_modules). Without
// any LoadModule line every built-in module is active (tern's own conf/tern.conf); from
// the first LoadModule on, only those httpd links statically on Debian plus those named
// by LoadModule are, as in httpd. Internal to src/config.

#include <string>
#include <string_view>
#include <vector>

namespace tern {
struct Module;
}

namespace tern::cfg {

class ModuleSet {
 public:
  // Every module active (no LoadModule seen yet).
  ModuleSet();

  // The set a finished configuration's result() describes (for .htaccess files).
  static ModuleSet from_result(const std::vector<bool>& active);
  // True when `m` is active now.
  bool active(const Module& m) const;
  // <IfModule name>: true when `name` (module name or source file) is an active module.
  bool if_module(std::string_view name) const;
  // LoadModule `name` at `where` ("FILE:LINE"): activates it; returns an error when tern
  // has no such module, else "". A repeated load sets *repeated.
  std::string load(std::string_view name, const std::string& where, bool* repeated);
  // Records that the item `what` at `where` was read while every module was active and
  // relied on `m` (a directive or <IfModule> of a module httpd does not link statically).
  // A later first LoadModule turns each into an error: httpd would not have had `m` yet.
  void note_unrestricted_use(const Module& m, const std::string& file, int line,
                             std::string_view what);
  // A use noted before the first LoadModule.
  struct EarlyUse {
    std::string file;
    int line = 0;
    std::string what;    // the directive or "<IfModule>"
    std::string module;  // the module it relied on
  };
  // The uses noted before the first LoadModule, once that LoadModule was read (each an
  // error); empty otherwise.
  std::vector<EarlyUse> take_early_uses();
  // Active flags by module_index(); empty when no LoadModule was seen (all active).
  std::vector<bool> result() const;
  // True once a LoadModule line was read.
  bool restricted() const { return restricted_; }
  // The module whose presence httpd requires for `directive`, listed by tern in the
  // module `module`: httpd 2.4 defines some mpm_common directives in core.c (apache2 -L),
  // which tern lists with its MPM; those need core_module only.
  static std::string_view required_module(std::string_view directive, std::string_view module);
  // True for the modules httpd links statically on Debian that tern has.
  static bool is_static(const Module& m);

 private:
  bool restricted_ = false;
  std::vector<bool> loaded_;     // by module_index(), meaningful when restricted_
  std::vector<EarlyUse> early_;  // noted while unrestricted
  std::vector<EarlyUse> late_;   // moved here by the first LoadModule
};

}  // namespace tern::cfg
