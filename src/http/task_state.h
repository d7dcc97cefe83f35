#pragma once
// Internal to HttpConnection: the state of a response driven by a ResponseTask (CGI, a
// backend) — the task, its output on its way to the client, and its request body stream.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/request.h"
#include "http/response.h"
#include "http/response_task.h"

namespace tern {

// One task-driven exchange. Lives on the heap only while a task runs (a few hundred bytes).
struct TaskState {
  static constexpr size_t kOutputMax = 64 * 1024;  // output held before the task must wait

  std::unique_ptr<ResponseTask> task;
  std::string head_copy;  // the request head's bytes: `req` points here while the task runs
  Response resp;          // status and fields from the task
  std::string pending;    // body bytes taken before the head was committed
  std::string out;        // bytes for the client (head, framed body), from out_sent on
  size_t out_sent = 0;
  uint64_t interim_bytes = 0;  // 100 Continue bytes written first (not the response's head)
  uint64_t written = 0;        // bytes of `out` written in all (head included)
  uint64_t head_bytes = 0;     // size of the response head
  uint64_t body_bytes = 0;     // response body bytes accepted (for the log)
  std::optional<uint64_t> content_length;  // declared by the task
  std::string decoded;                     // decoded request body not yet handed to the task
  size_t decoded_off = 0;
  int64_t backend_timeout_ms = 60000;
  uint64_t backend_progress = 0;
  int watched[2] = {-1, -1};
  int body_error = 0;
  bool head_final = false;      // the task declared its head (first write_body)
  bool head_committed = false;  // the head is in `out`
  bool te_chunked = false;      // body framed as chunks
  bool head_only = false;       // HEAD request (or a status without body): no body bytes
  bool body_done = false;       // the request body was read to its end
  bool continue_sent = false;
  bool output_limited = false;  // write_body refused bytes during the last step
  bool done = false;            // the task finished; out holds the rest
};

}  // namespace tern
