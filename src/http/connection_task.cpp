// HttpConnection's task mode: a response driven by a ResponseTask (CGI, a backend). The
// task reads the request body as a stream, hands its head and body over in pieces, and
// waits on its own fds through the listener; this file frames what it hands over (a
// Content-Length when the whole body is known, else chunked or close-delimited) and
// writes it with backpressure. See response_task.h for the contract.

#include <charconv>
#include <cstring>

#include "http/connection.h"
#include "http/head_fixup.h"
#include "http/task_state.h"

namespace tern {

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  char hex[17];
  auto r = std::to_chars(hex, hex + sizeof hex, data.size(), 16);
  out.append(hex, static_cast<size_t>(r.ptr - hex));
  out.append("\r\n");
  out.append(data);
  out.append("\r\n");
}

}  // namespace

// The TaskIo a task sees during one step: the connection, the worker and its settings.
class HttpTaskIo final : public TaskIo {
 public:
  HttpTaskIo(HttpConnection& c, WorkerScratch& w, const ConnectionEnv& env)
      : c_(c), w_(w), env_(env), t_(*c.task_) {}

  IoResult read_body(std::span<char> buf) override;
  int body_error_status() const override { return t_.body_error; }
  Response& response() override { return t_.resp; }
  void set_content_length(uint64_t length) override { t_.content_length = length; }
  size_t write_body(std::string_view data) override;
  bool head_sent() const override { return t_.written > t_.interim_bytes; }
  bool watch(int fd) override;
  void unwatch(int fd) override;
  void set_backend_timeout_ms(int64_t ms) override { t_.backend_timeout_ms = ms > 0 ? ms : 1; }
  void note_backend_progress() override { ++t_.backend_progress; }

  // Puts the response head into the output, followed by the body taken so far. `final`:
  // the task is done, so the body's length is known.
  void commit_head(bool final);

 private:
  HttpConnection& c_;
  WorkerScratch& w_;
  const ConnectionEnv& env_;
  TaskState& t_;
};

IoResult HttpTaskIo::read_body(std::span<char> buf) {
  Exchange& ex = *c_.ex_;
  if (ex.req.expect_continue && !t_.continue_sent && !t_.body_done && !t_.head_committed) {
    // The client waits for this before it sends the body (RFC 9110 §10.1.1).
    t_.continue_sent = true;
    t_.out.insert(0, kContinue);
    t_.interim_bytes = kContinue.size();
    if (c_.flush_task(w_) == HttpConnection::WriteResult::kError) return {IoStatus::kError, 0, 0};
  }
  for (;;) {
    if (t_.decoded_off < t_.decoded.size()) {
      size_t n = std::min(buf.size(), t_.decoded.size() - t_.decoded_off);
      std::memcpy(buf.data(), t_.decoded.data() + t_.decoded_off, n);
      t_.decoded_off += n;
      return {IoStatus::kOk, n, 0};
    }
    t_.decoded.clear();
    t_.decoded_off = 0;
    if (t_.body_done) return {IoStatus::kEof, 0, 0};
    if (t_.body_error != 0) return {IoStatus::kError, 0, 0};
    if (!ex.in.empty()) {
      BodyResult br = ex.parser.parse_body(ex.in.pending(), &t_.decoded);
      ex.in.consume(br.consumed);
      if (br.status == ParseStatus::kError) {
        t_.body_error = br.error_status;
        return {IoStatus::kError, 0, 0};
      }
      if (br.status == ParseStatus::kDone) t_.body_done = true;
      if (!t_.decoded.empty() || t_.body_done || br.consumed > 0) continue;
    }
    // Room for more: a chunk-size line is bounded by the parser, so 64 KiB always fits one.
    size_t room = ex.in.room(std::max<size_t>(ex.in.capacity(), 64 * 1024));
    IoResult r = c_.transport().read({ex.in.write_ptr(), room});
    if (r.status == IoStatus::kOk) {
      ex.in.commit(r.bytes);
      c_.phase_bytes_ += r.bytes;
      continue;
    }
    if (r.status == IoStatus::kWouldBlock) return r;
    // The client closed or failed before its body ended.
    t_.body_error = 0;
    return {IoStatus::kError, 0, r.err};
  }
}

size_t HttpTaskIo::write_body(std::string_view data) {
  t_.head_final = true;
  if (t_.head_only || status_forbids_body(t_.resp.status)) return data.size();  // no body
  const size_t held = t_.pending.size() + (t_.out.size() - t_.out_sent);
  const size_t room = held < TaskState::kOutputMax ? TaskState::kOutputMax - held : 0;
  const size_t take = std::min(room, data.size());
  if (take < data.size()) t_.output_limited = true;
  if (take == 0) return 0;
  data = data.substr(0, take);
  t_.body_bytes += take;
  if (!t_.head_committed) {
    t_.pending.append(data);
    // A full buffer goes out now, framed as chunks: the body's length is still unknown.
    if (t_.pending.size() >= TaskState::kOutputMax) commit_head(false);
  } else if (t_.te_chunked) {
    append_chunk(t_.out, data);
  } else {
    t_.out.append(data);
  }
  return take;
}

void HttpTaskIo::commit_head(bool final) {
  const Request& req = c_.ex_->req;
  Response& resp = t_.resp;
  using Framing = HttpConnection::BodyFraming;
  Framing framing = Framing::kNone;
  uint64_t length = 0;
  const bool no_body = status_forbids_body(resp.status);
  if (resp.head_fixup) {
    resp.head_fixup->apply({&req, &c_.transport(), c_.request_start_us_}, resp);
  }
  c_.apply_special_env(&req, resp);
  if (no_body) {
    t_.pending.clear();
  } else if (t_.content_length) {
    framing = Framing::kLength;
    length = *t_.content_length;
  } else if (final) {
    framing = Framing::kLength;
    length = t_.head_only ? 0 : t_.pending.size();
  } else if (!c_.as_http10_) {
    framing = Framing::kChunked;
    t_.te_chunked = true;
  } else {
    c_.close_after_ = true;  // HTTP/1.0: the body ends when the connection does
  }
  std::string head;
  c_.append_head(head, env_, &req, resp.status, resp.reason, resp.fields, framing, length);
  t_.head_bytes = head.size();
  t_.out.append(head);
  t_.head_committed = true;
  if (t_.te_chunked) {
    append_chunk(t_.out, t_.pending);
  } else {
    t_.out.append(t_.pending);
  }
  t_.pending.clear();
}

bool HttpTaskIo::watch(int fd) {
  int* slot = nullptr;
  for (int& s : t_.watched) {
    if (s < 0) {
      slot = &s;
      break;
    }
  }
  ConnectionHost* host = w_.ctx ? w_.ctx->host : nullptr;
  if (slot == nullptr || host == nullptr || !host->watch(fd)) return false;
  *slot = fd;
  return true;
}

void HttpTaskIo::unwatch(int fd) {
  for (int& s : t_.watched) {
    if (s != fd) continue;
    if (w_.ctx && w_.ctx->host) w_.ctx->host->unwatch(fd);
    s = -1;
  }
}

ConnWait HttpConnection::start_task(WorkerScratch& w, const ConnectionEnv& env, size_t head_bytes) {
  Exchange& ex = *ex_;
  task_ = std::make_unique<TaskState>();
  TaskState& t = *task_;
  Response& from = w.out.resp;
  t.task = std::move(from.task);
  t.resp.status = from.status;
  t.resp.fields = std::move(from.fields);
  // What the access log reads besides the head: the user (%u) and the environment (%{VAR}e).
  t.resp.user = std::move(from.user);
  t.resp.auth_type = std::move(from.auth_type);
  t.resp.env = std::move(from.env);
  t.resp.head_fixup = std::move(from.head_fixup);
  if (from.close_connection) close_after_ = true;
  from.clear();
  // The request must outlive its bytes in the input buffer, which the body reads reuse.
  t.head_copy.assign(ex.in.pending().data(), head_bytes);
  ex.req.rebase(ex.in.pending().data(), head_bytes, t.head_copy.data());
  ex.in.consume(head_bytes);
  t.head_only = ex.req.method == Method::kHead;
  t.body_done = !ex.req.has_body();
  t.backend_timeout_ms = env.settings->timeout_ms;
  phase_ = Phase::kTask;
  start_phase(ex.in.size());  // body bytes already here count in the body phase
  return run_task(w, env);
}

HttpConnection::WriteResult HttpConnection::flush_task(WorkerScratch&) {
  TaskState& t = *task_;
  while (t.out_sent < t.out.size()) {
    iovec iov{t.out.data() + t.out_sent, t.out.size() - t.out_sent};
    IoResult r = transport().writev({&iov, 1}, false);
    if (r.status == IoStatus::kWouldBlock) return WriteResult::kAgain;
    if (r.status != IoStatus::kOk) return WriteResult::kError;
    t.out_sent += r.bytes;
    t.written += r.bytes;
    bytes_written_ += r.bytes;
  }
  t.out.clear();
  t.out_sent = 0;
  return WriteResult::kDone;
}

ConnWait HttpConnection::run_task(WorkerScratch& w, const ConnectionEnv& env) {
  TaskState& t = *task_;
  HttpTaskIo io(*this, w, env);
  WriteResult r = flush_task(w);  // the client may have made room
  if (r == WriteResult::kError) {
    t.task->abort(io, TaskAbort::kClientGone);
    return finish_task(w, env, false);
  }
  if (r == WriteResult::kAgain) return ConnWait::kWrite;
  if (t.done) return finish_task(w, env, true);
  if (t.body_done) {
    // The socket is not read for the body any more: a read here sees the client leave
    // (EOF) or keeps its next pipelined request for later.
    Exchange& ex = *ex_;
    size_t room = ex.in.room(ex.in.capacity());
    if (room > 0) {
      IoResult in = transport().read({ex.in.write_ptr(), room});
      if (in.status == IoStatus::kOk) {
        ex.in.commit(in.bytes);
      } else if (in.status != IoStatus::kWouldBlock) {
        t.task->abort(io, TaskAbort::kClientGone);
        return finish_task(w, env, false);
      }
    }
  }
  for (;;) {
    t.output_limited = false;
    TaskStep st = t.task->step(io);
    if (st == TaskStep::kError) {
      if (io.head_sent()) return finish_task(w, env, false);
      return task_failed(w, env, t.task->error_status());
    }
    if (st == TaskStep::kDone) {
      t.done = true;
      if (!t.head_committed) {
        io.commit_head(true);
      } else if (t.te_chunked) {
        t.out.append("0\r\n\r\n");
      }
    } else if (t.head_final && !t.head_committed && !t.output_limited) {
      io.commit_head(false);  // the task waits: what it has goes out now (streaming)
    }
    r = flush_task(w);
    if (r == WriteResult::kError) {
      t.task->abort(io, TaskAbort::kClientGone);
      return finish_task(w, env, false);
    }
    if (r == WriteResult::kAgain) return ConnWait::kWrite;
    if (t.done) return finish_task(w, env, true);
    if (t.output_limited) continue;  // the output drained: the task can go on
    return st == TaskStep::kWaitBody ? ConnWait::kReadBody : ConnWait::kPark;
  }
}

void HttpConnection::end_task_watches(WorkerScratch& w) {
  TaskState& t = *task_;
  for (int& fd : t.watched) {
    if (fd < 0) continue;
    if (w.ctx && w.ctx->host) w.ctx->host->unwatch(fd);
    fd = -1;
  }
  t.task.reset();  // kills what is left of the script, closes its pipes
}

ConnWait HttpConnection::task_failed(WorkerScratch& w, const ConnectionEnv& env, int status) {
  // No byte of the response went out: answer the error instead (ErrorDocument applies).
  // The request's bytes live in the task state until the answer is written.
  end_task_watches(w);
  --requests_;  // respond_error counts the request again
  ex_->in.consume(ex_->in.size());
  ConnWait next = respond_error(w, env, status);
  task_.reset();
  return next;
}

ConnWait HttpConnection::finish_task(WorkerScratch& w, const ConnectionEnv& env, bool ok) {
  TaskState& t = *task_;
  end_task_watches(w);
  Exchange& ex = *ex_;
  log_response(w, env, &ex.req, t.resp, t.body_bytes, t.written - t.interim_bytes);
  const bool body_done = t.body_done;
  task_.reset();
  if (!ok) return ConnWait::kClose;
  phase_ = Phase::kHead;
  if (!body_done) {
    // The task left part of the request body unread: drop it, or close when too much.
    phase_ = Phase::kDiscardBody;
    discard_left_ = env.settings->max_discard;
  }
  start_phase(phase_ == Phase::kHead ? ex.in.size() : 0);
  return after_response(w, env);
}

ConnWait HttpConnection::task_timeout(WorkerScratch& w, const ConnectionEnv& env, ConnWait what) {
  TaskState& t = *task_;
  HttpTaskIo io(*this, w, env);
  const TaskAbort why = what == ConnWait::kPark       ? TaskAbort::kTimeout
                        : what == ConnWait::kReadBody ? TaskAbort::kBodyTimeout
                        : what == ConnWait::kWrite    ? TaskAbort::kWriteTimeout
                                                      : TaskAbort::kClientGone;
  t.task->abort(io, why);
  if (!io.head_sent() && (what == ConnWait::kPark || what == ConnWait::kReadBody)) {
    // httpd: 504 when the script's output timed out, 408 when the client's body did.
    return task_failed(w, env, what == ConnWait::kPark ? 504 : 408);
  }
  return finish_task(w, env, false);
}

}  // namespace tern
