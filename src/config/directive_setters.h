#pragma once
// Setter functions referenced by the directive table (one per directive). Each
// applies its directive's arguments (already count-checked) to the BuildState and
// returns an error message, or "" on success.

#include "config/build_state.h"

namespace tern::cfg {

// core (directives_core.cpp)
std::string set_server_root(BuildState&, const Cmd&);
std::string set_listen(BuildState&, const Cmd&);
std::string set_server_name(BuildState&, const Cmd&);
std::string set_document_root(BuildState&, const Cmd&);
std::string set_directory_index(BuildState&, const Cmd&);
std::string set_types_config(BuildState&, const Cmd&);
std::string set_keep_alive(BuildState&, const Cmd&);
std::string set_keep_alive_timeout(BuildState&, const Cmd&);
std::string set_max_keep_alive_requests(BuildState&, const Cmd&);
std::string set_timeout(BuildState&, const Cmd&);
std::string set_listen_backlog(BuildState&, const Cmd&);
std::string set_accept_filter(BuildState&, const Cmd&);
std::string set_limit_request_line(BuildState&, const Cmd&);
std::string set_limit_request_field_size(BuildState&, const Cmd&);
std::string set_limit_request_fields(BuildState&, const Cmd&);
std::string set_limit_request_body(BuildState&, const Cmd&);
std::string set_pid_file(BuildState&, const Cmd&);
std::string set_server_tokens(BuildState&, const Cmd&);
std::string set_enable_sendfile(BuildState&, const Cmd&);
std::string set_max_ranges(BuildState&, const Cmd&);
std::string set_trace_enable(BuildState&, const Cmd&);
std::string set_request_read_timeout(BuildState&, const Cmd&);

// mod_so (directives_so.cpp): LoadModule activates a built-in module (module_set.h).
std::string set_load_module(BuildState&, const Cmd&);

// mpm (directives_mpm.cpp)
std::string set_async_request_worker_factor(BuildState&, const Cmd&);
std::string set_start_servers(BuildState&, const Cmd&);
std::string set_server_limit(BuildState&, const Cmd&);
std::string set_thread_limit(BuildState&, const Cmd&);
std::string set_threads_per_child(BuildState&, const Cmd&);
std::string set_max_request_workers(BuildState&, const Cmd&);
std::string set_min_spare_threads(BuildState&, const Cmd&);
std::string set_max_spare_threads(BuildState&, const Cmd&);
std::string set_max_connections_per_child(BuildState&, const Cmd&);
std::string set_graceful_shutdown_timeout(BuildState&, const Cmd&);
std::string set_user(BuildState&, const Cmd&);
std::string set_group(BuildState&, const Cmd&);
std::string set_scoreboard_file(BuildState&, const Cmd&);
std::string set_extended_status(BuildState&, const Cmd&);

// logging (directives_log.cpp)
std::string set_error_log(BuildState&, const Cmd&);
std::string set_log_level(BuildState&, const Cmd&);
std::string set_log_format(BuildState&, const Cmd&);
std::string set_custom_log(BuildState&, const Cmd&);
std::string set_transfer_log(BuildState&, const Cmd&);

// locations and authorization (directives_location.cpp)
std::string open_location(BuildState&, const Cmd&);
std::string open_location_match(BuildState&, const Cmd&);
std::string close_location(BuildState&, const Cmd&);
std::string set_handler(BuildState&, const Cmd&);
std::string set_require(BuildState&, const Cmd&);
std::string open_require_all(BuildState&, const Cmd&);
std::string open_require_any(BuildState&, const Cmd&);
std::string close_require_container(BuildState&, const Cmd&);
std::string set_regex_default_options(BuildState&, const Cmd&);

// Opens a per-directory section of `kind` (the generic part of <Location>, <Directory>,
// <Files>, <If>): compiles a regex, records it in cfg.sections nested in the current one,
// and makes it current. Returns an error or "".
std::string begin_section(BuildState&, const Cmd&, SectionKind kind, std::string pattern,
                          bool regex);
// Closes the current section (folds its Require rules) and returns to the enclosing one.
std::string end_section(BuildState&);

// <Directory>, <DirectoryMatch>, <Files>, <FilesMatch>, their end tags, AccessFileName
// (directives_sections.cpp).
std::string open_directory(BuildState&, const Cmd&);
std::string open_directory_match(BuildState&, const Cmd&);
std::string open_files(BuildState&, const Cmd&);
std::string open_files_match(BuildState&, const Cmd&);
std::string close_section(BuildState&, const Cmd&);
// <If "expr">, <ElseIf "expr">, <Else> (an ap_expr subset: modules/if_expr.h).
std::string open_if(BuildState&, const Cmd&);
std::string open_else_if(BuildState&, const Cmd&);
std::string open_else(BuildState&, const Cmd&);
std::string set_access_file_name(BuildState&, const Cmd&);
// True when a non-regex section's pattern has fnmatch wildcards (* ? [).
bool section_has_wildcard(const SectionSpec& s);

// Adds the server-level Require/SetHandler as a "/" Location in front of all others.
void finish_server_location(BuildState&);

// Applies httpd's event MPM limits to the MPM values, warning on each change.
void finish_mpm(BuildState&);

}  // namespace tern::cfg
