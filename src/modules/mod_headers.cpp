// headers_module (mod_headers.c): `Header` edits the response fields of every response in
// its scope (server, <VirtualHost>, sections, .htaccess under AllowOverride FileInfo),
// applied when the connection builds the head (http/head_fixup.h). RequestHeader is
// refused: tern does not rewrite request fields yet.

#include "config/dir_scope.h"
#include "modules/dir_configs.h"
#include "modules/headers/header_ops.h"
#include "modules/registry.h"

namespace tern {

// mod_headers' per-directory configuration (httpd's headers_conf): the `Header always`
// lines (fixup_err) and the others (fixup_out), in file order. Also the head edit.
struct HeadersDirConfig final : ModuleConfig, HeadFixup {
  std::vector<HeaderOp> always;
  std::vector<HeaderOp> onsuccess;
  // httpd's merge_headers_config: base's lines, then add's.
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
  void apply(const HeadFixupContext& ctx, Response& resp) const override {
    apply_header_ops(always, onsuccess, ctx, resp);
  }
};

std::unique_ptr<ModuleConfig> HeadersDirConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const HeadersDirConfig&>(add_base);
  auto merged = std::make_unique<HeadersDirConfig>();
  merged->always = always;
  merged->always.insert(merged->always.end(), add.always.begin(), add.always.end());
  merged->onsuccess = onsuccess;
  merged->onsuccess.insert(merged->onsuccess.end(), add.onsuccess.begin(), add.onsuccess.end());
  return merged;
}

namespace modules {

extern const Module headers_module;  // defined below, listed in registry.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "headers_module";

std::string set_header(BuildState& st, const Cmd& c) {
  std::vector<std::string_view> args;
  for (const Word& w : c.args) args.push_back(w.text);
  HeaderOp op;
  std::string err = parse_header_op(args, st.regex_options, &op);
  if (!err.empty()) return err;
  HeadersDirConfig& conf = dir_scope<HeadersDirConfig>(st, headers_module);
  (op.always ? conf.always : conf.onsuccess).push_back(std::move(op));
  return "";
}

std::string set_request_header(BuildState&, const Cmd&) {
  return "RequestHeader is not supported by tern yet (request fields are not rewritten)";
}

const DirectiveSpec kDirectives[] = {
    {"Header", kCtxServer | kCtxDir, Args::kIterate, set_header,
     "an optional condition, an action, header and value followed by optional env clause", kMod,
     kOverrideFileInfo},
    {"RequestHeader", kCtxServer | kCtxDir, Args::kIterate, set_request_header,
     "an action, header and value followed by optional env clause", kMod, kOverrideFileInfo},
};

class HeadersHooks final : public ModuleHooks {
 public:
  std::shared_ptr<const HeadFixup> head_fixup(const Config& server,
                                              const DirConfigs* dir) const override {
    static const auto index = static_cast<size_t>(module_index(headers_module));
    // The common case, no `Header` in the scope, touches no reference count.
    const auto fixup_in = [i = index](const auto& slots) -> std::shared_ptr<const HeadFixup> {
      if (i >= slots.size()) return nullptr;
      const auto* conf = static_cast<const HeadersDirConfig*>(slots[i].get());
      if (conf == nullptr || (conf->always.empty() && conf->onsuccess.empty())) return nullptr;
      return std::shared_ptr<const HeadFixup>(slots[i], conf);  // keeps the config alive
    };
    return dir != nullptr ? fixup_in(*dir) : fixup_in(server.server_module_dir);
  }
};

const HeadersHooks kHooks;

}  // namespace

const Module headers_module{
    .name = kMod,
    .source = "mod_headers.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kHeadFixup),
};

}  // namespace modules
}  // namespace tern
