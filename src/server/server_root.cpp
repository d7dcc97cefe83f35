#include "server/server_root.h"

#include "modules/registry.h"

#include "handlers/server_header.h"
#include "handlers/site_handler.h"
#include "handlers/status_handler.h"
#include "http/connection.h"
#include "log/access_log.h"
#include "log/error_log.h"
#include "modules/cgi/cgi_handler.h"
#include "modules/registry.h"
#include "net/plain_transport.h"
#include "server/scoreboard.h"

namespace tern {

namespace {

// What every HTTP/1.1 connection of a generation shares, from the configuration.
ConnectionSettings http_settings(const Config& config) {
  ConnectionSettings cs;
  cs.limits.request_line = config.limit_request_line;
  cs.limits.field_size = config.limit_request_field_size;
  cs.limits.fields = config.limit_request_fields;
  cs.limits.body = config.limit_request_body;
  cs.keep_alive = config.keep_alive;
  cs.max_keep_alive_requests = config.max_keep_alive_requests;
  cs.keep_alive_timeout_s = static_cast<int>((config.keep_alive_timeout.count() + 999) / 1000);
  cs.enable_sendfile = config.enable_sendfile;
  std::string server = server_header_value(config.server_tokens);
  cs.server_line = server.empty() ? "" : "Server: " + server + "\r\n";
  cs.server_name = config.server_name;
  cs.timeout_ms = config.timeout.count();
  return cs;
}

}  // namespace

ServerRoot::ServerRoot(Key) {}

ServerRoot::~ServerRoot() = default;

std::unique_ptr<ServerRoot> ServerRoot::build(std::shared_ptr<const Config> config,
                                              const Scoreboard& scoreboard, std::string* error) {
  auto root = std::make_unique<ServerRoot>(Key{});
  root->config_ = config;
  root->logs_ = std::make_unique<AccessLogs>();
  if (!root->logs_->open(*config, error)) return nullptr;
  root->site_ = SiteHandler::create(config, error);
  if (!root->site_) return nullptr;
  root->site_->set_error_logger(
      [](std::string_view msg) { ErrorLog::write(LogLevel::kError, "core", msg); });
  const StatusInfo info = make_status_info(*config);
  root->restart_time_us_ = info.restart_time_us;
  root->status_ = std::make_unique<StatusHandler>(scoreboard, info, StatusForm::kServerStatus,
                                                  root->site_.get());
  root->metrics_ =
      std::make_unique<StatusHandler>(scoreboard, info, StatusForm::kMetrics, root->site_.get());
  // A handler of a module that is not active is not there: its name answers 500.
  if (module_enabled(config->active_modules, "status_module")) {
    root->site_->register_named_handler("server-status", root->status_.get());
    root->site_->register_named_handler("metrics", root->metrics_.get());
  }
  // cgid_module's handler hook serves "cgi-script" (set by ScriptAlias in translate_name);
  // tern's cgi_module is the same handler.
  root->cgid_ = std::make_unique<CgiHandler>(config);
  if (module_enabled(config->active_modules, "cgid_module") ||
      module_enabled(config->active_modules, "cgi_module"))
    root->site_->add_hooks(root->cgid_.get(), phase_bit(Phase::kHandler));
  root->http_settings_ = std::make_unique<ConnectionSettings>(http_settings(*config));
  ConnectionEnv env;
  env.settings = root->http_settings_.get();
  env.handler = root->site_.get();
  env.logs = root->logs_.get();
  root->http_ = std::make_unique<HttpProtocol>(env, plain_transport_factory());
  return root;
}

bool ServerRoot::reopen_logs(std::string* error) const {
  return logs_->reopen(error);
}

std::vector<ListenPort> ServerRoot::ports(const std::vector<int>& fds) const {
  std::vector<ListenPort> out;
  for (int fd : fds) out.push_back(ListenPort{fd, http_.get()});
  return out;
}

const Handler& ServerRoot::handler() const {
  return *site_;
}

}  // namespace tern
