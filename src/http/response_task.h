#pragma once
// A response that takes time: the handler returns a task in Response::task instead of (or
// before) a body, and the connection drives it on workers whenever it can progress (an event
// on the client socket or on an fd the task watches, or a deadline) — h2o's generator, with
// the request body as a stream too. Nothing blocks: a task that cannot progress returns
// kWait and the connection parks with the listener; no worker is held meanwhile.
//
// Contract of one step(): do everything possible now (read request body, write to the
// backend, read its output, hand output to the connection) and return. Output is accepted
// only up to a bound (write_body returns less than offered): that is the backpressure that
// stops a task from reading its backend while the client is slow.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/response.h"
#include "net/transport.h"

namespace tern {

// How a step ended.
enum class TaskStep : uint8_t {
  kWaitBackend,  // waiting on a watched fd (pipe, socket): parked with the task's timeout
  kWaitBody,     // waiting for more request body from the client (RequestReadTimeout body)
  kDone,         // the response is complete (head and body handed over)
  kError,        // failed: before the head went out, the connection answers error_status();
                 // after, it closes the connection (the client sees a truncated response)
};

// Why a task is stopped before it is done.
enum class TaskAbort : uint8_t {
  kClientGone,    // the client closed or reset the connection, or a write failed
  kTimeout,       // the task's own wait (park) timed out: a 504 follows if no head was sent
  kBodyTimeout,   // the client was too slow sending the request body: a 408 follows
  kWriteTimeout,  // the client did not take output for Timeout: the connection closes
  kStop,          // the server stops now
};

// What a task may use of its connection during step(). Implemented by HttpConnection.
class TaskIo {
 public:
  // Reads decoded request body bytes (Content-Length or chunked framing removed).
  // kOk: `bytes` > 0; kWouldBlock: none buffered and the client sent no more yet (return
  // kWaitBody, or kWaitBackend when the backend is what blocks); kEof: the body is complete
  // (also at once for a request without a body); kError: the client went away or the framing
  // or LimitRequestBody failed (body_error_status() says which answer fits).
  // The first call sends `100 Continue` when the client asked for it.
  virtual IoResult read_body(std::span<char> buf) = 0;
  // 400 or 413 for a body framing or size error, 0 for a client that went away.
  virtual int body_error_status() const = 0;
  // The response head to fill (status and fields) before the first write_body() or kDone;
  // body chunks set on it are ignored. After head_sent() it is read-only.
  virtual Response& response() = 0;
  // Declares the body length (a Content-Length the backend gave): the body is then sent
  // as is; without it, an HTTP/1.1 client gets it chunked, an HTTP/1.0 client close-delimited.
  virtual void set_content_length(uint64_t length) = 0;
  // Hands body bytes to the connection; returns how many it took (0..data.size()): fewer
  // than offered means its output buffer is full — stop reading the backend and wait.
  virtual size_t write_body(std::string_view data) = 0;
  // True once the response head was sent (an error can no longer change the status).
  virtual bool head_sent() const = 0;
  // Events on `fd` wake the task (edge-triggered: read or write until EAGAIN before
  // waiting). False when no more fds can be watched. unwatch() before closing `fd`.
  virtual bool watch(int fd) = 0;
  // Stops watching `fd` (before the task closes it).
  virtual void unwatch(int fd) = 0;
  // How long a kWaitBackend wait may last without progress (ms); default: Timeout.
  virtual void set_backend_timeout_ms(int64_t ms) = 0;
  // Tells the connection the backend made progress (restarts the kWaitBackend deadline).
  virtual void note_backend_progress() = 0;

 protected:
  ~TaskIo() = default;
};

// A response in progress. Owned by the connection; destroyed on completion, abort or close
// (the destructor releases everything: kills a script, closes its pipes). The connection
// unwatches every fd the task watched before destroying it.
class ResponseTask {
 public:
  virtual ~ResponseTask() = default;
  // Makes all progress possible now; see the contract above.
  virtual TaskStep step(TaskIo& io) = 0;
  // The task is stopped for `why`; called once, before destruction, on a worker. Logs
  // what it must (httpd: "Timeout waiting for output from CGI script").
  virtual void abort(TaskIo& io, TaskAbort why) = 0;
  // After kError: the status to answer when no head was sent (500, 502, 503, 504, …).
  virtual int error_status() const { return 500; }
};

}  // namespace tern
