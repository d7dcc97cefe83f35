#include "modules/cgi/cgi_task.h"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "log/error_log.h"
#include "modules/core_content_type.h"

namespace tern {

namespace {

constexpr size_t kBufSize = 16384;

}  // namespace

CgiTask::CgiTask(CgiProcess process, CgiTaskParams params, const Request& req,
                 const RequestContext& ctx)
    : proc_(std::move(process)),
      params_(std::move(params)),
      req_(req, ctx),
      in_buf_(std::make_unique<char[]>(kBufSize)) {}

CgiTask::~CgiTask() {
  proc_.end(finished_ ? ProcessReaper::End::kFinished : ProcessReaper::End::kAbort);
}

std::string CgiTask::script_name() const {
  size_t slash = params_.script_path.rfind('/');
  return slash == std::string::npos ? params_.script_path : params_.script_path.substr(slash + 1);
}

void CgiTask::log_error(const char* fmt, ...) const {
  if (!ErrorLog::enabled(LogLevel::kError)) return;
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  ErrorLog::printf(LogLevel::kError, "cgid", "[client %s] %s", params_.client.c_str(), msg);
}

TaskStep CgiTask::fail(int status) {
  error_status_ = status;
  return TaskStep::kError;
}

void CgiTask::close_in(TaskIo& io) {
  if (!proc_.in()) return;
  io.unwatch(proc_.in().get());
  proc_.in().reset();
}

void CgiTask::close_out(TaskIo& io) {
  if (!proc_.out()) return;
  io.unwatch(proc_.out().get());
  proc_.out().reset();
}

TaskStep CgiTask::step(TaskIo& io) {
  if (mode_ == Mode::kInner) return inner_->step(io);
  if (mode_ == Mode::kPump) return pump(io);
  if (!started_) {
    started_ = true;
    io.set_backend_timeout_ms(params_.timeout_ms);
    if (!io.watch(proc_.in().get()) || !io.watch(proc_.out().get())) {
      log_error("cannot wait for CGI script %s: too many descriptors watched",
                params_.script_path.c_str());
      return fail(503);
    }
  }
  const In in = feed_stdin(io);
  if (in == In::kFail) {
    const int status = io.body_error_status();
    return fail(status == 0 ? 500 : status);  // 0: the client is gone, nobody sees it
  }
  switch (read_stdout(io)) {
    case Out::kFail:
      return TaskStep::kError;
    case Out::kEof:
      return finish(io);
    case Out::kBlocked:
      return TaskStep::kWaitBackend;  // the client's socket wakes us when it takes more
    case Out::kEmpty:
      break;
  }
  return in == In::kNeedBody ? TaskStep::kWaitBody : TaskStep::kWaitBackend;
}

CgiTask::In CgiTask::feed_stdin(TaskIo& io) {
  for (;;) {
    if (in_off_ == in_len_) {
      if (body_eof_) return In::kIdle;
      in_off_ = in_len_ = 0;
      IoResult r = io.read_body(std::span<char>(in_buf_.get(), kBufSize));
      switch (r.status) {
        case IoStatus::kOk:
          in_len_ = r.bytes;
          break;
        case IoStatus::kWouldBlock:
          return In::kNeedBody;
        case IoStatus::kEof:
          body_eof_ = true;
          close_in(io);  // the script sees EOF on its stdin
          return In::kIdle;
        case IoStatus::kError:
          return In::kFail;
      }
    }
    if (!proc_.in()) {  // the script stopped reading: drop the rest of the body
      in_off_ = in_len_;
      continue;
    }
    ssize_t n = ::write(proc_.in().get(), in_buf_.get() + in_off_, in_len_ - in_off_);
    if (n > 0) {
      in_off_ += static_cast<size_t>(n);
      io.note_backend_progress();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return In::kPipeFull;
    // EPIPE: the script closed its stdin or exited; its output still counts (mod_cgid).
    if (!stdin_broken_ && mode_ == Mode::kHead) {
      ErrorLog::printf(
          LogLevel::kInfo, "cgid", "[client %s] (%d)%s: Error writing request body to script %s",
          params_.client.c_str(), errno, std::strerror(errno), params_.script_path.c_str());
    }
    stdin_broken_ = true;
    close_in(io);
  }
}

CgiTask::Out CgiTask::read_stdout(TaskIo& io) {
  for (;;) {
    if (!flush(io)) return Out::kBlocked;
    if (mode_ == Mode::kPump || mode_ == Mode::kInner) return Out::kEof;  // cannot happen
    if (!proc_.out()) return Out::kEof;
    char buf[kBufSize];
    ssize_t n = ::read(proc_.out().get(), buf, sizeof(buf));
    if (n > 0) {
      io.note_backend_progress();
      if (!take_output(io, std::string_view(buf, static_cast<size_t>(n)))) return Out::kFail;
      if (left_ && *left_ == 0 && out_off_ == out_.size()) {
        close_out(io);  // the script's Content-Length is complete: the rest is not sent
        return Out::kEof;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return Out::kEmpty;
    close_out(io);  // EOF (or a read error, treated as the end of the output)
    return Out::kEof;
  }
}

// Consumes script output: the header block first, then body bytes for the client.
bool CgiTask::take_output(TaskIo& io, std::string_view data) {
  if (mode_ == Mode::kHead) {
    size_t used = 0;
    switch (parser_.feed(data, &used)) {
      case CgiHeaderParser::State::kMore:
        return true;
      case CgiHeaderParser::State::kError:
        if (parser_.bad_status()) {
          log_error("Invalid status line from script '%s': %s", script_name().c_str(),
                    parser_.excerpt().c_str());
        } else {
          log_error("malformed header from script '%s': %s", script_name().c_str(),
                    parser_.error().c_str());
        }
        error_status_ = 500;
        return false;
      case CgiHeaderParser::State::kDone:
        break;
    }
    if (!start_response(io)) return false;
    data.remove_prefix(used);
  }
  if (mode_ != Mode::kStream) return true;  // discarded
  if (left_) {
    if (data.size() > *left_) data = data.substr(0, static_cast<size_t>(*left_));
    *left_ -= data.size();
  }
  if (params_.head_request) return true;
  if (out_off_ == out_.size()) {
    out_.clear();
    out_off_ = 0;
  }
  out_.append(data);
  return true;
}

// The header block is complete: decide what the response is (httpd's mod_cgid).
bool CgiTask::start_response(TaskIo& io) {
  const CgiHead& h = parser_.head();
  if (!h.location.empty() && h.status == 200) {
    // httpd soaks up the rest of the output, then answers with a redirect: a local one
    // (an internal GET) for a path, a 302 for anything else.
    location_ = h.location;
    mode_ = h.location.front() == '/' ? Mode::kRedirect : Mode::kError302;
    return true;
  }
  Response& r = io.response();
  const int status = h.has_status ? h.status : params_.default_status;
  r.status = status;
  r.script_fields = true;
  r.reason = h.reason;
  if (!h.content_type.empty()) {
    // core's AddDefaultCharset applies to a script's text/plain and text/html too.
    std::string buf;
    r.add_header("Content-Type", add_default_charset(h.content_type, params_.default_charset, buf));
  }
  if (!h.location.empty()) r.add_header("Location", h.location);
  for (const auto& [name, value] : h.fields) r.add_header(name, value);
  if (status_forbids_body(status)) {
    mode_ = Mode::kDiscard;
    return true;
  }
  if (h.content_length) {
    io.set_content_length(*h.content_length);
    left_ = *h.content_length;
  }
  mode_ = Mode::kStream;
  return true;
}

// Hands buffered output to the connection; false while some of it is still held.
bool CgiTask::flush(TaskIo& io) {
  while (out_off_ < out_.size()) {
    size_t n = io.write_body(std::string_view(out_).substr(out_off_));
    if (n == 0) return false;
    out_off_ += n;
  }
  return true;
}

TaskStep CgiTask::finish(TaskIo& io) {
  switch (mode_) {
    case Mode::kHead:
      log_error("End of script output before headers: %s", script_name().c_str());
      return fail(500);
    case Mode::kStream:
      if (left_ && *left_ > 0) {
        // Shorter than its Content-Length: the client must not take it as complete.
        log_error("CGI script %s ended %llu bytes short of its Content-Length",
                  params_.script_path.c_str(), static_cast<unsigned long long>(*left_));
        return fail(500);
      }
      finished_ = true;
      close_in(io);
      return TaskStep::kDone;
    case Mode::kDiscard:
      finished_ = true;
      close_in(io);
      return TaskStep::kDone;
    case Mode::kRedirect:
    case Mode::kError302: {
      finished_ = true;
      close_in(io);
      Response local;
      if (params_.pipeline == nullptr) {
        local.status = 302;
        local.add_header("Location", location_);
      } else if (mode_ == Mode::kError302) {
        params_.pipeline->error_page(302, req_.original(), location_, local);
        if (!local.header("Location")) local.add_header("Location", location_);
      } else {
        // httpd's ap_internal_redirect_handler: the new request runs every phase with
        // the script's variables renamed REDIRECT_* (rename_original_env) and the
        // status; the pipeline refuses it (500) beyond LimitInternalRecursion.
        local.env.reserve(params_.env.size() + 2);
        for (const std::string& var : params_.env) {
          const size_t eq = var.find('=');
          local.env.emplace_back("REDIRECT_" + var.substr(0, eq),
                                 eq == std::string::npos ? std::string() : var.substr(eq + 1));
        }
        local.set_env("REDIRECT_STATUS", "200");
        local.set_env("REDIRECT_URL", params_.url_path);  // ap_add_cgi_vars: r->prev->uri
        params_.pipeline->internal_redirect(req_.make_get(location_), req_.ctx(),
                                            params_.redirects + 1, local);
      }
      return start_local(io, std::move(local));
    }
    case Mode::kPump:
    case Mode::kInner:
      break;
  }
  return TaskStep::kDone;
}

// Answers with a response made here (an internal redirect's, or an error page).
TaskStep CgiTask::start_local(TaskIo& io, Response resp) {
  close_in(io);
  close_out(io);
  proc_.end(ProcessReaper::End::kFinished);  // its output is complete; both pipes closed
  if (resp.task) {
    inner_ = std::move(resp.task);
    mode_ = Mode::kInner;
    return inner_->step(io);
  }
  Response& r = io.response();
  r.status = resp.status;
  r.fields = resp.fields;
  if (!status_forbids_body(resp.status)) io.set_content_length(resp.body_length());
  local_ = std::move(resp);
  mode_ = Mode::kPump;
  chunk_ = 0;
  chunk_off_ = 0;
  out_.clear();
  out_off_ = 0;
  return pump(io);
}

TaskStep CgiTask::pump(TaskIo& io) {
  for (;;) {
    if (!flush(io)) return TaskStep::kWaitBackend;
    if (params_.head_request || chunk_ >= local_.chunks.size()) return TaskStep::kDone;
    const BodyChunk& c = local_.chunks[chunk_];
    const uint64_t left = c.length - chunk_off_;
    if (left == 0) {
      ++chunk_;
      chunk_off_ = 0;
      continue;
    }
    out_.clear();
    out_off_ = 0;
    if (!c.from_file) {
      out_.assign(local_.memory(c).substr(static_cast<size_t>(chunk_off_),
                                          static_cast<size_t>(std::min<uint64_t>(left, kBufSize))));
    } else {
      out_.resize(static_cast<size_t>(std::min<uint64_t>(left, kBufSize)));
      ssize_t n = ::pread(local_.file_fd(), out_.data(), out_.size(),
                          static_cast<off_t>(c.offset + chunk_off_));
      if (n <= 0) return TaskStep::kError;  // the file shrank: the response is cut
      out_.resize(static_cast<size_t>(n));
    }
    chunk_off_ += out_.size();
  }
}

void CgiTask::abort(TaskIo& io, TaskAbort why) {
  if (mode_ == Mode::kInner) {
    inner_->abort(io, why);
    return;
  }
  if (why == TaskAbort::kTimeout) {
    if (mode_ == Mode::kHead) {
      log_error("Script timed out before returning headers: %s", script_name().c_str());
    } else {
      log_error("AH01220: Timeout waiting for output from CGI script %s",
                params_.script_path.c_str());
    }
  }
  finished_ = false;  // the destructor kills the script's group
}

}  // namespace tern
