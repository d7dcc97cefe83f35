#pragma once
// The CGI/1.1 environment (RFC 3875) as Apache httpd 2.4 builds it for mod_cgid:
// ap_add_common_vars + ap_add_cgi_vars, then ap_create_environment.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/handler.h"
#include "http/request.h"

namespace tern {

// Everything the environment is made of besides the request and its connection.
struct CgiEnvInput {
  const Request* req = nullptr;
  const RequestContext* ctx = nullptr;
  std::string_view script_name;      // decoded URL path of the script (SCRIPT_NAME)
  std::string_view path_info;        // decoded extra path after it, "" when none
  std::string_view path_translated;  // the file path PATH_INFO maps to (used with PATH_INFO)
  std::string_view script_filename;  // absolute file path of the script
  std::string_view document_root;
  std::string_view context_prefix;         // the ScriptAlias URL prefix ("" otherwise)
  std::string_view context_document_root;  // its directory (DocumentRoot otherwise)
  std::string_view server_software;        // the Server header value (ServerTokens)
  std::string_view server_name;            // ServerName host ("" = none)
  uint16_t server_name_port = 0;           // ServerName's port, 0 when it names none
  std::string_view server_admin;           // ServerAdmin; httpd's default "[no address given]"
  std::string_view server_signature;       // ServerSignature's line ("" when Off)
  // The request's environment (SetEnv, …): first in the result, under the names
  // ap_create_environment makes (non-alnum → '_'); the CGI variables win over them.
  const std::vector<std::pair<std::string, std::string>>* request_env = nullptr;
  std::string_view path;   // the server's PATH ("" = httpd's default)
  std::string_view tz;     // the server's TZ ("" = none)
  bool pass_auth = false;  // CGIPassAuth: pass Authorization headers
  // The authenticated user (REMOTE_USER; null when none) and scheme (AUTH_TYPE; "" none).
  const std::string* remote_user = nullptr;
  std::string_view auth_type;
};

// httpd's DEFAULT_PATH, used when the server has no PATH.
inline constexpr std::string_view kCgiDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// The environment, each entry "NAME=value", in httpd's order (request fields first).
std::vector<std::string> build_cgi_env(const CgiEnvInput& in);

// The HTTP_* name for request field `name` (alnum upper-cased, '-' to '_'), or "" when
// it holds another character (httpd 2.4 does not export such fields).
std::string cgi_http_var_name(std::string_view name);

// SERVER_NAME and SERVER_PORT as httpd with UseCanonicalName Off: the Host the client
// gave (without brackets for IPv6 literals; lower-cased), else ServerName; the port
// from Host, else ServerName's, else the scheme's default.
void cgi_server_name_port(const CgiEnvInput& in, std::string* name, uint16_t* port);

}  // namespace tern
