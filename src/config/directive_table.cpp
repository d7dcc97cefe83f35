#include "config/directive_table.h"

#include <array>

#include "config/config_values.h"
#include "config/directive_setters.h"
#include "modules/cgi/cgi_directives.h"

namespace tern::cfg {

namespace {

constexpr unsigned kSrv = kCtxServer;
constexpr unsigned kLoc = kCtxLocation;
constexpr unsigned kReq = kCtxRequire;
constexpr unsigned kAuthCtx = kCtxServer | kCtxLocation | kCtxRequire;

// Every directive, in documentation order.
const DirectiveSpec kTable[] = {
    // core
    {"ServerRoot", kSrv, Args::kTake1, set_server_root,
     "Base directory for the server installation"},
    {"Listen", kSrv, Args::kTake12, set_listen,
     "IP addresses and ports that the server listens to"},
    {"ServerName", kSrv, Args::kTake1, set_server_name,
     "Hostname and port that the server uses to identify itself"},
    {"DocumentRoot", kSrv, Args::kTake1, set_document_root,
     "Directory that forms the main document tree visible from the web"},
    {"DirectoryIndex", kSrv, Args::kIterate, set_directory_index,
     "List of resources to look for when the client requests a directory"},
    {"TypesConfig", kSrv, Args::kTake1, set_types_config, "The location of the mime.types file"},
    {"AddType", kSrv, Args::kIterate2, set_add_type,
     "Maps the given filename extensions onto the specified content type"},
    {"KeepAlive", kSrv, Args::kFlag, set_keep_alive, "Enables HTTP persistent connections"},
    {"KeepAliveTimeout", kSrv, Args::kTake1, set_keep_alive_timeout,
     "Amount of time the server will wait for subsequent requests on a persistent connection"},
    {"MaxKeepAliveRequests", kSrv, Args::kTake1, set_max_keep_alive_requests,
     "Number of requests allowed on a persistent connection"},
    {"Timeout", kSrv, Args::kTake1, set_timeout,
     "Amount of time the server will wait for certain events before failing a request"},
    {"ListenBacklog", kSrv, Args::kTake1, set_listen_backlog,
     "Maximum length of the queue of pending connections"},
    {"LimitRequestLine", kSrv, Args::kTake1, set_limit_request_line,
     "Limit the size of the HTTP request line that will be accepted from the client"},
    {"LimitRequestFieldSize", kSrv, Args::kTake1, set_limit_request_field_size,
     "Limits the size of the HTTP request header allowed from the client"},
    {"LimitRequestFields", kSrv, Args::kTake1, set_limit_request_fields,
     "Limits the number of HTTP request header fields that will be accepted from the client"},
    {"LimitRequestBody", kSrv, Args::kTake1, set_limit_request_body,
     "Restricts the total size of the HTTP request body sent from the client"},
    {"ErrorLog", kSrv, Args::kTake1, set_error_log, "Location where the server will log errors"},
    {"LogLevel", kSrv, Args::kIterate, set_log_level, "Controls the verbosity of the ErrorLog"},
    {"LogFormat", kSrv, Args::kTake12, set_log_format, "Describes a format for use in a log file"},
    {"CustomLog", kSrv, Args::kTake23, set_custom_log, "Sets filename and format of log file"},
    {"TransferLog", kSrv, Args::kTake1, set_transfer_log,
     "Specify location of a log file (format of the last LogFormat without nickname)"},
    {"PidFile", kSrv, Args::kTake1, set_pid_file,
     "File where the server records the process ID of the daemon"},
    {"ServerTokens", kSrv, Args::kTake1, set_server_tokens,
     "Configures the Server HTTP response header"},
    {"EnableSendfile", kSrv, Args::kFlag, set_enable_sendfile,
     "Use the kernel sendfile support to deliver files to the client"},
    {"MaxRanges", kSrv, Args::kTake1, set_max_ranges,
     "Number of ranges allowed before returning the complete resource"},
    {"TraceEnable", kSrv, Args::kTake1, set_trace_enable,
     "Determines the behavior on TRACE requests"},
    {"ErrorDocument", kSrv, Args::kTake2, set_error_document,
     "What the server will return to the client in case of an error"},
    {"RequestReadTimeout", kSrv, Args::kIterate, set_request_read_timeout,
     "Set timeout values for receiving request headers and body from client"},
    {"LoadModule", kSrv, Args::kTake2, set_load_module,
     "Accepted for httpd compatibility and ignored with a warning (modules are built in)"},
    // event MPM
    {"AsyncRequestWorkerFactor", kSrv, Args::kTake1, set_async_request_worker_factor,
     "Limit concurrent connections per process"},
    {"StartServers", kSrv, Args::kTake1, set_start_servers,
     "Number of child server processes created at startup"},
    {"ServerLimit", kSrv, Args::kTake1, set_server_limit,
     "Upper limit on configurable number of processes"},
    {"ThreadLimit", kSrv, Args::kTake1, set_thread_limit,
     "Sets the upper limit on the configurable number of threads per child process"},
    {"ThreadsPerChild", kSrv, Args::kTake1, set_threads_per_child,
     "Number of threads created by each child process"},
    {"MaxRequestWorkers", kSrv, Args::kTake1, set_max_request_workers,
     "Maximum number of connections that will be processed simultaneously"},
    {"MaxClients", kSrv, Args::kTake1, set_max_request_workers,
     "Deprecated name of MaxRequestWorkers"},
    {"MinSpareThreads", kSrv, Args::kTake1, set_min_spare_threads,
     "Minimum number of idle threads available to handle request spikes"},
    {"MaxSpareThreads", kSrv, Args::kTake1, set_max_spare_threads,
     "Maximum number of idle threads"},
    {"MaxConnectionsPerChild", kSrv, Args::kTake1, set_max_connections_per_child,
     "Limit on the number of connections that an individual child server will handle during "
     "its life"},
    {"MaxRequestsPerChild", kSrv, Args::kTake1, set_max_connections_per_child,
     "Deprecated name of MaxConnectionsPerChild"},
    {"GracefulShutdownTimeout", kSrv, Args::kTake1, set_graceful_shutdown_timeout,
     "Specify a timeout after which a gracefully shutdown server will exit"},
    {"User", kSrv, Args::kTake1, set_user,
     "The userid under which the server will answer requests"},
    {"Group", kSrv, Args::kTake1, set_group, "Group under which the server will answer requests"},
    {"ScoreBoardFile", kSrv, Args::kTake1, set_scoreboard_file,
     "Location of the file used to store coordination data for the child processes"},
    {"ExtendedStatus", kSrv, Args::kFlag, set_extended_status,
     "Keep track of extended status information for each request"},
    {"RegexDefaultOptions", kSrv, Args::kIterate, set_regex_default_options,
     "Allow to configure global/default options for regexes"},
    // locations and authorization
    {"<Location", kSrv, Args::kTake12, open_location,
     "Applies the enclosed directives only to matching URLs", kLoc, close_location},
    {"<LocationMatch", kSrv, Args::kTake1, open_location_match,
     "Applies the enclosed directives only to regular-expression matches of URLs", kLoc,
     close_location},
    {"SetHandler", kSrv | kLoc, Args::kTake1, set_handler,
     "Forces all matching files to be processed by a handler"},
    {"Require", kAuthCtx, Args::kIterate, set_require,
     "Tests whether an authenticated user is authorized by an authorization provider"},
    {"<RequireAll", kAuthCtx, Args::kNone, open_require_all,
     "Enclose a group of authorization directives of which none must fail and at least one "
     "must succeed",
     kReq, close_require_container},
    {"<RequireAny", kAuthCtx, Args::kNone, open_require_any,
     "Enclose a group of authorization directives of which one must succeed", kReq,
     close_require_container},
    // CGI: mod_alias, mod_cgi, mod_cgid, core (until the module registry owns these rows)
    {"ScriptAlias", kSrv, Args::kTake2, set_script_alias,
     "Maps a URL to a filesystem location and designates the target as a CGI script"},
    {"ScriptAliasMatch", kSrv, Args::kTake2, set_script_alias_match,
     "Maps a URL to a filesystem location using a regular expression and designates the "
     "target as a CGI script"},
    {"CGIScriptTimeout", kSrv, Args::kTake1, set_cgi_script_timeout,
     "The length of time to wait for more output from the CGI program"},
    {"CGIDScriptTimeout", kSrv, Args::kTake1, set_cgi_script_timeout,
     "The length of time to wait for more output from the CGI program"},
    {"ScriptSock", kSrv, Args::kTake1, set_script_sock,
     "The filename prefix of the socket to use for communication with the cgi daemon "
     "(accepted; tern has no cgi daemon)"},
    {"CGIPassAuth", kSrv, Args::kFlag, set_cgi_pass_auth,
     "Enables passing HTTP authorization headers to scripts as CGI variables"},
};

constexpr std::array<std::string_view, 17> kUnsupportedSections = {
    "<Directory",   "<DirectoryMatch", "<Files",     "<FilesMatch", "<VirtualHost",
    "<Proxy",       "<ProxyMatch",     "<If",        "<ElseIf",     "<Else",
    "<Limit",       "<LimitExcept",    "<IfVersion", "<IfFile",     "<IfSection",
    "<RequireNone", "<IfDirective"};

}  // namespace

const DirectiveSpec* find_directive(std::string_view name) {
  for (const DirectiveSpec& d : kTable) {
    if (iequals(d.name, name)) return &d;
  }
  return nullptr;
}

std::vector<std::string_view> directive_names() {
  std::vector<std::string_view> names;
  for (const DirectiveSpec& d : kTable) names.push_back(d.name);
  return names;
}

bool is_unsupported_section(std::string_view name) {
  for (std::string_view s : kUnsupportedSections) {
    if (iequals(s, name)) return true;
  }
  return false;
}

std::string check_args(const DirectiveSpec& spec, const Cmd& cmd) {
  const size_t n = cmd.args.size();
  switch (spec.args) {
    case Args::kNone:
      return n == 0 ? "" : "takes no arguments";
    case Args::kTake1:
      return n == 1 ? "" : "takes one argument";
    case Args::kTake2:
      return n == 2 ? "" : "takes two arguments";
    case Args::kTake12:
      return n == 1 || n == 2 ? "" : "takes one or two arguments";
    case Args::kTake23:
      return n == 2 || n == 3 ? "" : "takes two or three arguments";
    case Args::kIterate:
      return n >= 1 ? "" : "requires at least one argument";
    case Args::kIterate2:
      return n >= 2 ? "" : "requires at least two arguments";
    case Args::kFlag:
      return n == 1 && (iequals(cmd.args[0].text, "on") || iequals(cmd.args[0].text, "off"))
                 ? ""
                 : "must be On or Off";
  }
  return "";
}

}  // namespace tern::cfg

namespace tern::cfg {

namespace {

// Appends `in` with control characters as \xNN (as shorten), at most `max` bytes of it
// then "...", so that an error stays one bounded line of text.
void append_printable(std::string& out, std::string_view in, size_t max) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t start = out.size();
  for (char ch : in) {
    if (out.size() - start >= max) {
      out += "...";
      return;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

}  // namespace

std::string format_error(const std::string& file, int line, std::string_view directive,
                         std::string_view message) {
  // Setters quote values (paths) whole; this bounds the line and escapes control characters.
  constexpr size_t kMaxMessage = 1024;
  std::string s;
  append_printable(s, file, kMaxMessage);
  s += ":" + std::to_string(line) + ": ";
  s += shorten(directive);
  s += ": ";
  append_printable(s, message, kMaxMessage);
  return s;
}

}  // namespace tern::cfg
