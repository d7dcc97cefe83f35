// deflate_module (mod_deflate.c): the DEFLATE output filter — gzip with zlib for clients
// that accept it, configured by mod_filter's AddOutputFilterByType, SetOutputFilter or
// AddOutputFilter; the Deflate* directives set zlib's parameters (server config).

#include <ctime>

#include "config/config.h"
#include "config/config_values.h"
#include "config/dir_scope.h"
#include "modules/deflate/deflate_filter.h"
#include "modules/deflate/deflate_task.h"
#include "modules/dir_configs.h"
#include "modules/registry.h"

namespace tern {

std::unique_ptr<ModuleConfig> DeflateServerConfig::merge(const ModuleConfig& add_base) const {
  const auto& add = static_cast<const DeflateServerConfig&>(add_base);
  auto m = std::make_unique<DeflateServerConfig>(*this);
  if (add.level) m->level = add.level;
  if (add.window_bits) m->window_bits = add.window_bits;
  if (add.mem_level) m->mem_level = add.mem_level;
  if (add.buffer_size) m->buffer_size = add.buffer_size;
  if (add.alter_etag) m->alter_etag = add.alter_etag;
  return m;
}

GzipSettings DeflateServerConfig::gzip() const {
  GzipSettings s;
  if (level) s.level = *level;
  if (window_bits) s.window_bits = *window_bits;
  if (mem_level) s.mem_level = *mem_level;
  return s;
}

namespace modules {

extern const Module deflate_module;  // defined below, listed in registry.cpp
extern const Module filter_module;   // mod_filter.cpp

using namespace tern::cfg;

namespace {

constexpr std::string_view kMod = "deflate_module";

DeflateServerConfig& server_cfg(BuildState& st) {
  return dir_scope<DeflateServerConfig>(st, deflate_module);
}

// A whole number in [lo, hi], else httpd's message.
std::string set_int(const Cmd& c, long long lo, long long hi, std::string_view msg,
                    std::optional<int>& out) {
  long long v = 0;
  if (!parse_int(c.args[0].text, lo, hi, v).empty()) return std::string(msg);
  out = static_cast<int>(v);
  return "";
}

std::string set_level(BuildState& st, const Cmd& c) {
  return set_int(c, 1, 9, "Compression Level must be between 1 and 9", server_cfg(st).level);
}
std::string set_window(BuildState& st, const Cmd& c) {
  return set_int(c, 1, 15, "DeflateWindowSize must be between 1 and 15",
                 server_cfg(st).window_bits);
}
std::string set_mem_level(BuildState& st, const Cmd& c) {
  return set_int(c, 1, 9, "DeflateMemLevel must be between 1 and 9", server_cfg(st).mem_level);
}
std::string set_buffer_size(BuildState& st, const Cmd& c) {
  return set_int(c, 1, 1 << 30, "DeflateBufferSize should be positive", server_cfg(st).buffer_size);
}
std::string set_alter_etag(BuildState& st, const Cmd& c) {
  const std::string& v = c.args[0].text;
  auto& out = server_cfg(st).alter_etag;
  if (cfg::iequals(v, "AddSuffix")) {
    out = AlterEtag::kAddSuffix;
  } else if (cfg::iequals(v, "NoChange")) {
    out = AlterEtag::kNoChange;
  } else if (cfg::iequals(v, "Remove")) {
    out = AlterEtag::kRemove;
  } else {
    return "DeflateAlterETag accepts only 'NoChange', 'AddSuffix', and 'Remove'";
  }
  return "";
}
std::string set_filter_note(BuildState&, const Cmd& c) {
  if (c.args.size() == 2) {
    const std::string& type = c.args[0].text;
    if (!cfg::iequals(type, "Input") && !cfg::iequals(type, "Output") &&
        !cfg::iequals(type, "Ratio"))
      return "Unknown note type " + type;
  }
  // Notes are read by mod_log_config's %{name}n, which tern does not have.
  return "not supported by tern: request notes (%{name}n in LogFormat) do not exist in tern; "
         "remove the directive";
}

const DirectiveSpec kDirectives[] = {
    {"DeflateBufferSize", kCtxServer | kCtxVirtualHost, Args::kTake1, set_buffer_size,
     "Set the Deflate Buffer Size", kMod},
    {"DeflateCompressionLevel", kCtxServer | kCtxVirtualHost, Args::kTake1, set_level,
     "Set the Deflate Compression Level (1-9)", kMod},
    {"DeflateMemLevel", kCtxServer | kCtxVirtualHost, Args::kTake1, set_mem_level,
     "Set the Deflate Memory Level (1-9)", kMod},
    {"DeflateWindowSize", kCtxServer | kCtxVirtualHost, Args::kTake1, set_window,
     "Set the Deflate window size (1-15)", kMod},
    {"DeflateAlterETag", kCtxServer | kCtxVirtualHost, Args::kTake1, set_alter_etag,
     "Set how mod_deflate should modify ETAG response headers: 'AddSuffix' (default), "
     "'NoChange' (2.2.x behavior), 'Remove'",
     kMod},
    {"DeflateFilterNote", kCtxServer | kCtxVirtualHost, Args::kTake12, set_filter_note,
     "Set a note to report on compression ratio", kMod},
};

const FilterDirConfig* filter_cfg(const RequestRec& r) {
  static const int index = module_index(filter_module);
  return r.dir != nullptr ? dir_config<FilterDirConfig>(*r.dir, index) : nullptr;
}

const DeflateServerConfig& deflate_cfg(const RequestRec& r) {
  static const int index = module_index(deflate_module);
  static const DeflateServerConfig kDefaults;
  const DeflateServerConfig* c =
      r.dir != nullptr ? dir_config<DeflateServerConfig>(*r.dir, index) : nullptr;
  return c != nullptr ? *c : kDefaults;
}

// The DEFLATE filter as mod_filter inserts it (filter_insert + filter_harness).
class DeflateHooks final : public ModuleHooks {
 public:
  int insert_filter(RequestRec& r) const override {
    const FilterDirConfig* f = filter_cfg(r);
    if (f == nullptr || deflate_match(f, r.filename).empty()) return kDeclined;
    return kOk;
  }

  int output_filter(RequestRec& r) const override {
    const FilterDirConfig* f = filter_cfg(r);
    if (f == nullptr) return kDeclined;
    DeflateMatch match = deflate_match(f, r.filename);
    if (match.empty()) return kDeclined;
    Response& resp = r.resp;
    const DeflateServerConfig& cfg = deflate_cfg(r);
    const AlterEtag alter = cfg.alter_etag.value_or(AlterEtag::kAddSuffix);
    if (resp.task) {
      match.keep = (*r.dir)[static_cast<size_t>(module_index(filter_module))];
      resp.task = make_deflate_wrap_task(std::move(resp.task), DeflateRequest::from(r.req, resp),
                                         std::move(match), alter, cfg.gzip());
      return kOk;
    }
    // A 304 of the default handler is httpd's error path: no output filter runs.
    if (resp.status == 304) return kDeclined;
    thread_local std::string head;  // the head as the handler made it, if zlib fails
    head.assign(resp.fields);
    const DeflateVerdict v =
        deflate_decide(DeflateRequest::from(r.req, resp), match, resp.body_length(), alter, resp);
    if (v != DeflateVerdict::kCompress) return kDeclined;
    if (deflate_body(r.req, cfg, r.server.max_ranges, std::time(nullptr), resp)) return kOk;
    resp.fields.swap(head);
    return kDeclined;
  }
};

const DeflateHooks kHooks;

}  // namespace

const Module deflate_module{
    .name = kMod,
    .source = "mod_deflate.c",
    .directives = kDirectives,
    .hooks = &kHooks,
    .phases = phase_bit(Phase::kInsertFilter) | phase_bit(Phase::kOutputFilter),
};

}  // namespace modules
}  // namespace tern
