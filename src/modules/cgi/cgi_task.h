#pragma once
// A running CGI script as a ResponseTask (http/response_task.h): the request body goes
// to its stdin and its stdout comes back as the response, both with backpressure, on
// whichever worker the connection runs it; nothing blocks and no worker waits.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/response_task.h"
#include "modules/cgi/cgi_headers.h"
#include "modules/cgi/cgi_process.h"
#include "modules/cgi/cgi_redirect.h"
#include "modules/module.h"

namespace tern {

// Fixed facts of one CGI request.
struct CgiTaskParams {
  std::string script_path;     // full path (for log lines)
  std::string client;          // "ip:port" of the client (for log lines)
  int64_t timeout_ms = 60000;  // CGIScriptTimeout / CGIDScriptTimeout / Timeout
  bool head_request = false;   // HEAD: the body is read and dropped
  // The site's pipeline, for internal redirects and error pages; may be null (then a
  // Location is answered with a bare 302).
  const RequestPipeline* pipeline = nullptr;
  int redirects = 0;            // internal redirects that led to this request
  std::string default_charset;  // AddDefaultCharset in effect ("" when Off)
  // The status of a response without a Status field: 200, or for an ErrorDocument's
  // script the error's (httpd keeps r->status across the redirect).
  int default_status = 200;
  // The script's environment ("NAME=value") and the request's decoded path: a local
  // redirect's request gets them as httpd's REDIRECT_* variables.
  std::vector<std::string> env;
  std::string url_path;
};

// Drives one script from its spawn to its end.
class CgiTask : public ResponseTask {
 public:
  // Takes over the running `process`; `req`/`ctx` are copied (for a local redirect).
  CgiTask(CgiProcess process, CgiTaskParams params, const Request& req, const RequestContext& ctx);
  // Ends the script: as finished after kDone, else killed (its whole group).
  ~CgiTask() override;

  TaskStep step(TaskIo& io) override;
  void abort(TaskIo& io, TaskAbort why) override;
  int error_status() const override { return error_status_; }

 private:
  enum class Mode : uint8_t { kHead, kStream, kDiscard, kRedirect, kError302, kPump, kInner };
  enum class In : uint8_t { kIdle, kPipeFull, kNeedBody, kFail };
  enum class Out : uint8_t { kEmpty, kBlocked, kEof, kFail };

  In feed_stdin(TaskIo& io);
  Out read_stdout(TaskIo& io);
  bool take_output(TaskIo& io, std::string_view data);
  bool start_response(TaskIo& io);
  bool flush(TaskIo& io);
  TaskStep finish(TaskIo& io);
  TaskStep start_local(TaskIo& io, Response resp);
  TaskStep pump(TaskIo& io);
  void close_in(TaskIo& io);
  void close_out(TaskIo& io);
  TaskStep fail(int status);
  void log_error(const char* fmt, ...) const __attribute__((format(printf, 2, 3)));
  std::string script_name() const;

  CgiProcess proc_;
  CgiTaskParams params_;
  RedirectRequest req_;
  CgiHeaderParser parser_;
  Mode mode_ = Mode::kHead;
  bool started_ = false;
  bool body_eof_ = false;      // the request body was read to its end
  bool stdin_broken_ = false;  // the script stopped reading: the rest of the body is dropped
  bool finished_ = false;      // kDone returned: the script ends as finished
  int error_status_ = 500;
  std::unique_ptr<char[]> in_buf_;
  size_t in_len_ = 0, in_off_ = 0;
  std::string out_;  // output the connection has not taken yet
  size_t out_off_ = 0;
  std::optional<uint64_t> left_;  // body bytes still allowed (the script's Content-Length)
  std::string location_;          // a Location to redirect to after the script's output ends
  Response local_;                // kPump: a response made here (redirect target, 302 page)
  size_t chunk_ = 0;              // kPump: the chunk being written
  uint64_t chunk_off_ = 0;
  std::unique_ptr<ResponseTask> inner_;  // kInner: the redirect target's own task
};

}  // namespace tern
