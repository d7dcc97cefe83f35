#include "server/server_root.h"

#include "handlers/site_handler.h"
#include "handlers/status_handler.h"
#include "log/access_log.h"
#include "log/error_log.h"
#include "server/scoreboard.h"

namespace tern {

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
  root->site_->register_named_handler("server-status", root->status_.get());
  root->site_->register_named_handler("metrics", root->metrics_.get());
  return root;
}

const Handler& ServerRoot::handler() const {
  return *site_;
}

}  // namespace tern
