#pragma once
// Compressing ResponseTasks: a body of memory and file chunks streamed through zlib in
// bounded pieces (never the whole body in memory), and a wrapper that compresses what
// another task (CGI) produces when its head says so.

#include <memory>

#include "http/response.h"
#include "http/response_task.h"
#include "modules/deflate/deflate_filter.h"

namespace tern {

// Takes the body of `resp` (chunks, memory, file) into a task that sends it gzip-compressed;
// the head stays in `resp`. Null when zlib refused the settings.
std::unique_ptr<ResponseTask> make_deflate_body_task(Response& resp, const GzipSettings& s);

// Wraps `inner`: at its first body bytes (or its end), deflate_decide runs on the head it
// set, and the body is compressed when it says so. `alter` and `s` are mod_deflate's.
std::unique_ptr<ResponseTask> make_deflate_wrap_task(std::unique_ptr<ResponseTask> inner,
                                                     DeflateRequest rq, DeflateMatch match,
                                                     AlterEtag alter, const GzipSettings& s);

}  // namespace tern
