#pragma once
// A module, as httpd's `module` struct: its name, its source file, its directive table,
// its per-directory configuration (create + merge) and the request phases it hooks.
// Every feature of tern is one; src/modules/registry.h lists them.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/directive_table.h"
#include "config/module_config.h"
#include "http/content_meta.h"
#include "http/handler.h"
#include "http/head_fixup.h"

namespace tern {

// httpd's hook results: a hook returns kOk (done, for run-first phases: the request is
// taken), kDeclined (not mine), or an HTTP status (300..599: the request fails with it).
inline constexpr int kOk = 0;
inline constexpr int kDeclined = -1;
// An access hook's third answer: the request cannot be decided before the client sends
// more of the connection's own protocol (its certificate): the connection gets it, then
// runs the request again (Response::client_auth).
inline constexpr int kSuspend = -2;

struct Config;

// How many internal redirects one request may lead to (httpd's LimitInternalRecursion).
inline constexpr int kMaxInternalRedirects = 10;

// The request pipeline of a site as a module's later work sees it (httpd's
// ap_internal_redirect and ap_die): a ResponseTask that decides its answer after the
// handler hook returned keeps it (RequestRec::pipeline). Immutable, thread-safe; not to be
// called from inside a hook (only from a task's step).
class RequestPipeline {
 public:
  // httpd's internal redirect: answers `req` (a GET the task made, views valid for the
  // call) through every phase as the `redirects`-th redirect of its original request;
  // beyond kMaxInternalRedirects, logs AH00124 and answers 500. `resp` may get a task.
  virtual void internal_redirect(const Request& req, const RequestContext& ctx, int redirects,
                                 Response& resp) const = 0;
  // Fills `resp` with the error page for `status`, naming `location` for a redirect.
  virtual void error_page(int status, const Request& req, std::string_view location,
                          Response& resp) const = 0;

 protected:
  ~RequestPipeline() = default;
};

// One request as the hooks see it (httpd's request_rec, reduced to what tern uses).
// Lives on the worker's stack for one request; nothing in it is owned.
struct RequestRec {
  const Request& req;
  const RequestContext& ctx;
  Response& resp;
  const Config& server;  // the server's configuration (httpd's r->server)
  // The file the request maps to: translate_name sets it (mod_alias, else core's
  // DocumentRoot); the default handler uses it as scratch for DirectoryIndex names.
  // httpd's r->filename.
  std::string& filename;
  std::string_view url_path;  // decoded, normalised path (httpd's r->uri)
  // The part of the URL after the script a handler found (httpd's r->path_info); tern's
  // core does not walk the file system in map_to_storage: a handler that needs it (cgid)
  // splits filename itself.
  std::string_view path_info;
  // The URL prefix and the directory an Alias/ScriptAlias mapped it to (httpd's
  // ap_set_context_info; CGI's CONTEXT_PREFIX, CONTEXT_DOCUMENT_ROOT); empty otherwise.
  std::string_view context_prefix;
  std::string_view context_document_root;
  const DirConfigs* dir = nullptr;  // the merged per-directory configuration
  // The handler name (httpd's r->handler): a module's translate_name may set it
  // (ScriptAlias: "cgi-script"); core's fixup replaces it by SetHandler's. "" when none.
  std::string_view handler;
  int redirects = 0;  // internal redirects that led to this request (0: the client's)
  // Runs internal redirects and error pages for work that ends after the hooks returned.
  const RequestPipeline* pipeline = nullptr;
  // The Location of the 3xx status a translate_name or fixups hook returns (httpd's
  // headers_out "Location"); the hook keeps the text alive. Empty otherwise.
  std::string_view location;
  // Keeps `dir` alive while the request's hooks run when a cache holds it (map_to_storage
  // sets both; null when the site's own scope walk holds `dir`).
  std::shared_ptr<const DirConfigs> dir_owner;
  // httpd's r->user and r->ap_auth_type are resp.user and resp.auth_type: they outlive
  // the hooks (the access log's %u, CGI's REMOTE_USER).
  // The challenge a failed authentication leaves for the 401 page (httpd's
  // note_auth_failure: WWW-Authenticate in err_headers_out); empty when none.
  std::string www_authenticate;
  // The type, encoding and language type_checker (mod_mime) and core's ForceType decided
  // for r.filename; what the default handler sends.
  ContentMeta content;
  // A ScriptAlias mapped the URL (httpd's note "alias-forced-type"): CGI needs no ExecCGI.
  bool script_aliased = false;
  // httpd's r->err_headers_out: fields ("Name: value\r\n") every response to this
  // request carries, an error page's too (mod_negotiation's Vary, TCN, Alternates).
  std::string err_headers;
  // httpd's note "variant-list": the HTML list of variants a 300 or 406 page shows.
  std::string variant_list;
  // httpd's note "ssl-access-forbidden": SSLRequireSSL refused the request in the access
  // phase (under `Satisfy Any`, SSLOptions +StrictRequire refuses it again later).
  bool ssl_access_forbidden = false;
  // The status an ErrorDocument's request answers for (httpd's r->prev->status): its own
  // errors get the built-in page, a script without Status answers with it; 0 otherwise.
  int error_status = 0;
};

// The request phases a module can hook, in httpd's order.
enum class Phase : unsigned {
  kTranslateName,    // URL → file name (run-first: mod_alias, then core's DocumentRoot)
  kMapToStorage,     // the merged per-directory configuration for it (run-first: core)
  kAccessChecker,    // authorization by host/IP, Require (mod_authz_core)
  kFixups,           // last changes before the handler
  kPostReadRequest,  // right after the request head, before translate_name (run-all)
  kHeaderParser,     // after map_to_storage, with r.dir set (run-all: mod_setenvif)
  kCheckUserId,      // authentication: who the user is (run-first: mod_auth_basic)
  kAuthChecker,      // authorization that needs the user (run-first: mod_authz_core)
  kAccessCheckerEx,  // after access_checker: authorization that may need a user (run-first)
  kTypeChecker,      // content type, encoding, language, handler of r.filename (run-first)
  kHandler,          // produces the response, selected by handler name
  kLogTransaction,   // after the response (mod_log_config, in the connection)
  kInsertFilter,     // before the handler: will an output filter transform the body? (run-all)
  kOutputFilter,     // after the handler: transforms r.resp's head and body (run-all)
  kHeadFixup,        // after every phase, error pages too: the scope's last head edit
};

// A module's request hooks (httpd's ap_hook_*). A phase the module does not take part
// in keeps the default. Immutable, called concurrently from every worker thread.
class ModuleHooks {
 public:
  virtual ~ModuleHooks() = default;
  // Run-first: URL → r.filename (and maybe r.handler); kOk takes the request, kDeclined
  // leaves it to the next hook (core's DocumentRoot mapping runs last), a status fails it.
  virtual int translate_name(RequestRec&) const { return kDeclined; }
  // Run-first: sets r.dir for r.filename / r.url_path (core runs last).
  virtual int map_to_storage(RequestRec&) const { return kDeclined; }
  // Run-all phases: kOk or kDeclined continue, a status ends the request with it.
  virtual int access_checker(RequestRec&) const { return kDeclined; }
  virtual int fixups(RequestRec&) const { return kDeclined; }
  // Run-all, before translate_name (r.dir is null).
  virtual int post_read_request(RequestRec&) const { return kDeclined; }
  // Run-all, after map_to_storage (r.dir set), before access_checker.
  virtual int header_parser(RequestRec&) const { return kDeclined; }
  // Run-first, after access_checker: kOk authorizes without authentication, kDeclined
  // asks for it (check_user_id, then auth_checker), a status fails the request.
  virtual int access_checker_ex(RequestRec&) const { return kDeclined; }
  // Run-first, after access_checker_ex declined: establishes resp.user (kOk), or fails
  // (401); when every hook declines, the request fails with 500 (httpd's decl_die).
  virtual int check_user_id(RequestRec&) const { return kDeclined; }
  // Run-first, after check_user_id: kOk authorizes the user, a status fails the request.
  virtual int auth_checker(RequestRec&) const { return kDeclined; }
  // Run-first, after auth_checker, before fixups: the content type etc. of r.filename.
  virtual int type_checker(RequestRec&) const { return kDeclined; }
  // Run-first: the first hook that does not decline produces the response (kOk) or
  // fails it with a status. Selects itself by RequestRec::handler, as httpd's handlers.
  virtual int handler(RequestRec&) const { return kDeclined; }
  // Before core's default handler serves a Range request: kOk when this module's output
  // filter may transform the body, so the ranges must be applied after it (httpd's
  // byterange filter runs after the content filters); the handler then serves it whole.
  virtual int insert_filter(RequestRec&) const { return kDeclined; }
  // After a handler produced r.resp (not for error pages): kOk when the body was
  // transformed (e.g. compressed, or wrapped in a task), kDeclined otherwise (the head
  // may still have changed: Vary).
  virtual int output_filter(RequestRec&) const { return kDeclined; }
  // After the request's phases, whatever they answered (an error page too): the edit of
  // the response head this module makes in the request's scope — `dir` is the merged
  // per-directory configuration, null when the request failed before it was known (the
  // server level's applies then); null when the module has nothing to change there.
  virtual std::shared_ptr<const HeadFixup> head_fixup(const Config& server,
                                                      const DirConfigs* dir) const {
    (void)server;
    (void)dir;
    return nullptr;
  }
};

// The descriptor of one module. Constant data, defined next to its directive table.
struct Module {
  std::string_view name;    // httpd's module name, "alias_module"
  std::string_view source;  // httpd's source file, "mod_alias.c" (what `-l` prints)
  std::span<const cfg::DirectiveSpec> directives = {};  // may be empty
  // Creates this module's per-directory configuration for the section `scope` from the
  // typed fields the core's setters fill (SectionSpec::handler, require, env): null when
  // the section sets nothing for the module, or on an error (then *error is set). A
  // module whose own setters build its configuration (config/dir_scope.h) leaves this
  // null: what they built is in SectionSpec::module_dir.
  std::unique_ptr<ModuleConfig> (*create_dir_config)(const LocationSpec& scope,
                                                     std::string* error) = nullptr;
  // The module's hooks when they need no server-wide state; stateful hooks (a scoreboard,
  // a cache) are added by the composition root instead.
  const ModuleHooks* hooks = nullptr;
  unsigned phases = 0;  // bitmask of phase_bit() for the phases `hooks` takes part in
  // Of `phases`, those where the hook runs before every other module's (APR_HOOK_FIRST);
  // the others run in module order.
  unsigned first_phases = 0;
  // Registered ahead of its implementation (its directives do not exist yet, or are
  // ignored): <IfModule> and `-l` do not report it, so no section meant for httpd's
  // module is read by tern.
  bool placeholder = false;
};

// The bit of `p` in Module::phases.
constexpr unsigned phase_bit(Phase p) {
  return 1u << static_cast<unsigned>(p);
}

}  // namespace tern
