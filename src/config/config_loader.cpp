#include "config/config_loader.h"

#include <unistd.h>

#include <climits>
#include <exception>

#include "config/build_state.h"
#include "config/config_files.h"
#include "config/config_parser.h"
#include "config/config_values.h"
#include "config/directive_setters.h"
#include "config/vhost_build.h"
#include "modules/registry.h"

namespace tern {

namespace {

using cfg::BuildState;

constexpr const char* kCommandLine = "(command line)";
constexpr const char* kCommonFormat = "%h %l %u %t \"%r\" %>s %b";
constexpr const char* kCombinedFormat =
    "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"";

// Sets up ServerRoot, defines and predefined log formats; false with st.error on failure.
bool init_state(BuildState& st, const LoadOptions& opts) {
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) {
    st.error = cfg::format_error(kCommandLine, 0, "ServerRoot", "cannot get current directory");
    return false;
  }
  st.server_root = cfg::resolve_path(cwd, opts.server_root.empty() ? "." : opts.server_root);
  if (st.server_root.ends_with("/.")) st.server_root.resize(st.server_root.size() - 2);
  if (st.server_root.empty()) st.server_root = "/";
  if (!cfg::is_directory(st.server_root)) {
    st.error = cfg::format_error(kCommandLine, 0, "ServerRoot",
                                 "ServerRoot must be a valid directory ('" + st.server_root + "')");
    return false;
  }
  for (const std::string& d : opts.defines) {
    const size_t eq = d.find('=');
    const std::string name = d.substr(0, eq);
    st.defines.insert(name);
    if (eq != std::string::npos) st.vars[name] = d.substr(eq + 1);
  }
  st.include_root = opts.include_root;
  st.cfg.log_formats["common"] = kCommonFormat;
  st.cfg.log_formats["combined"] = kCombinedFormat;
  st.transfer_log_format = kCommonFormat;
  return true;
}

// Runs the -C directives, each as its own line of "(command line)"; errors go to st.
void run_pre_directives(cfg::ConfigParser& parser, const LoadOptions& opts) {
  for (size_t i = 0; i < opts.pre_directives.size(); ++i) {
    // Line numbers are reported relative to the directive's position on the command line.
    std::string text(i, '\n');
    text += opts.pre_directives[i];
    parser.parse_text(text, kCommandLine);
  }
}

// The result of a parse that recorded errors.
LoadResult failed(const BuildState& st) {
  return {nullptr, st.error, st.errors.empty() ? std::vector<std::string>{st.error} : st.errors};
}

// Fills defaults that depend on ServerRoot and checks whole-config rules.
LoadResult finish(BuildState& st, const std::string& main_file, int main_lines) {
  Config& c = st.cfg;
  c.server_root = st.server_root;
  if (c.listens.empty()) {
    st.error = cfg::format_error(main_file, main_lines, "Listen",
                                 "no listening sockets available, shutting down (add a Listen "
                                 "directive)");
    return failed(st);
  }
  c.active_modules = st.modules.result();
  c.defines = st.defines;
  c.define_vars = st.vars;
  // Each <VirtualHost> starts from the main server as read to the end (httpd merges the
  // server configs after reading every file).
  cfg::build_vhosts(st);
  if (!st.errors.empty()) return failed(st);
  cfg::finish_site(st);
  cfg::finish_mpm(st);
  return {std::make_shared<const Config>(std::move(st.cfg)), "", {}};
}

int count_lines(std::string_view text) {
  int n = 0;
  for (char ch : text) n += ch == '\n';
  if (!text.empty() && text.back() != '\n') ++n;
  return n;
}

// Runs `f`, turning any exception (allocation failure, filesystem errors) into an error.
template <typename F>
LoadResult guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    std::string err = cfg::format_error(kCommandLine, 0, "(internal)", e.what());
    return {nullptr, err, {err}};
  } catch (...) {
    std::string err = cfg::format_error(kCommandLine, 0, "(internal)", "unknown error");
    return {nullptr, err, {err}};
  }
}

LoadResult load_text(std::string_view text, std::string_view name, const LoadOptions& opts) {
  BuildState st;
  if (!init_state(st, opts)) return failed(st);
  const std::string file(name);
  st.cfg.config_file = file;
  cfg::ConfigParser parser(st);
  run_pre_directives(parser, opts);
  parser.parse_text(text, file);
  if (!st.errors.empty()) return failed(st);
  return finish(st, file, count_lines(text));
}

LoadResult load_file(const LoadOptions& opts) {
  BuildState st;
  if (!init_state(st, opts)) return failed(st);
  const std::string file = cfg::resolve_path(
      st.server_root, opts.config_file.empty() ? "conf/tern.conf" : opts.config_file);
  st.cfg.config_file = file;
  cfg::ConfigParser parser(st);
  run_pre_directives(parser, opts);
  std::string text;
  std::string err = cfg::read_text_file(file, text, cfg::ConfigParser::kMaxFileBytes);
  if (!err.empty())
    st.add_error(cfg::format_error(kCommandLine, 0, "-f", err));
  else
    parser.parse_text(text, file);
  if (!st.errors.empty()) return failed(st);
  return finish(st, file, count_lines(text));
}

}  // namespace

LoadResult load_config_text(std::string_view text, std::string_view name, const LoadOptions& opts) {
  return guarded([&] { return load_text(text, name, opts); });
}

LoadResult load_config(const LoadOptions& opts) {
  return guarded([&] { return load_file(opts); });
}

bool is_known_module(std::string_view name) {
  return module_active(name);
}

}  // namespace tern
