#include "modules/deflate/deflate_task.h"

#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

namespace tern {

namespace {

constexpr size_t kReadStep = 32 * 1024;  // file bytes read and compressed per piece

// Compressed bytes waiting for the connection to take them.
struct Outbox {
  std::string bytes;
  size_t off = 0;
  bool empty() const { return off == bytes.size(); }
  // Hands what it can to `io`; true when everything went.
  bool drain(TaskIo& io) {
    if (!empty()) off += io.write_body(std::string_view(bytes).substr(off));
    if (!empty()) return false;
    bytes.clear();
    off = 0;
    return true;
  }
};

// A static body (memory and file chunks) through zlib, one piece per round.
class DeflateBodyTask final : public ResponseTask {
 public:
  DeflateBodyTask(Response& resp, const GzipSettings& s) : z_(s) {
    chunks_ = std::move(resp.chunks);
    mem_ = std::move(resp.body_mem);
    shared_mem_ = std::move(resp.shared_mem);
    file_ = resp.take_file();
    resp.clear_body();
  }
  bool ok() const { return z_.ok(); }

  TaskStep step(TaskIo& io) override {
    for (;;) {
      if (!out_.drain(io)) return TaskStep::kWaitBackend;  // the output is full: wait for it
      if (z_.finished()) return TaskStep::kDone;
      if (index_ == chunks_.size()) {
        if (!z_.finish(out_.bytes)) return TaskStep::kError;
        continue;
      }
      const BodyChunk& c = chunks_[index_];
      const size_t n = static_cast<size_t>(std::min<uint64_t>(c.length - done_, kReadStep));
      std::string_view piece;
      if (c.from_file) {
        buf_.resize(kReadStep);
        ssize_t got = ::pread(file_.get(), buf_.data(), n, static_cast<off_t>(c.offset + done_));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return TaskStep::kError;  // the file shrank or failed: cut the response
        piece = std::string_view(buf_.data(), static_cast<size_t>(got));
      } else {
        piece = std::string_view(c.shared ? *shared_mem_ : mem_).substr(c.offset + done_, n);
      }
      done_ += piece.size();
      if (done_ == c.length) {
        ++index_;
        done_ = 0;
      }
      if (!z_.write(piece, out_.bytes)) return TaskStep::kError;
    }
  }

  void abort(TaskIo&, TaskAbort) override {}

 private:
  GzipStream z_;
  std::vector<BodyChunk> chunks_;
  std::string mem_;
  std::shared_ptr<const std::string> shared_mem_;  // the bytes of `shared` memory chunks
  UniqueFd file_;
  std::vector<char> buf_;
  size_t index_ = 0;
  uint64_t done_ = 0;  // bytes of chunks_[index_] compressed
  Outbox out_;
};

// Another task's output, compressed when deflate_decide says so.
class DeflateWrapTask final : public ResponseTask {
 public:
  DeflateWrapTask(std::unique_ptr<ResponseTask> inner, DeflateRequest rq, DeflateMatch match,
                  AlterEtag alter, const GzipSettings& s)
      : inner_(std::move(inner)),
        rq_(std::move(rq)),
        match_(std::move(match)),
        alter_(alter),
        settings_(s) {}

  TaskStep step(TaskIo& io) override;
  void abort(TaskIo& io, TaskAbort why) override {
    Proxy p(*this, io);
    inner_->abort(p, why);
  }
  int error_status() const override { return inner_->error_status(); }

 private:
  enum class Mode : uint8_t { kUndecided, kPass, kCompress };

  // The TaskIo the inner task sees: everything goes through, but its body is compressed.
  class Proxy final : public TaskIo {
   public:
    Proxy(DeflateWrapTask& t, TaskIo& io) : t_(t), io_(io) {}
    IoResult read_body(std::span<char> buf) override { return io_.read_body(buf); }
    int body_error_status() const override { return io_.body_error_status(); }
    Response& response() override { return io_.response(); }
    void set_content_length(uint64_t length) override {
      if (t_.mode_ == Mode::kUndecided) {
        t_.length_ = length;
      } else if (t_.mode_ == Mode::kPass) {
        io_.set_content_length(length);
      }
    }
    size_t write_body(std::string_view data) override { return t_.write(io_, data); }
    bool head_sent() const override { return io_.head_sent(); }
    bool watch(int fd) override { return io_.watch(fd); }
    void unwatch(int fd) override { io_.unwatch(fd); }
    void set_backend_timeout_ms(int64_t ms) override { io_.set_backend_timeout_ms(ms); }
    void note_backend_progress() override { io_.note_backend_progress(); }

   private:
    DeflateWrapTask& t_;
    TaskIo& io_;
  };

  void decide(TaskIo& io, std::optional<uint64_t> known) {
    const DeflateVerdict v = deflate_decide(rq_, match_, known, alter_, io.response());
    if (v == DeflateVerdict::kCompress && !status_forbids_body(io.response().status)) {
      z_.emplace(settings_);
      if (z_->ok()) {
        mode_ = Mode::kCompress;
        return;
      }
      z_.reset();
    }
    mode_ = Mode::kPass;
    if (length_) io.set_content_length(*length_);
  }

  size_t write(TaskIo& io, std::string_view data) {
    if (mode_ == Mode::kUndecided) decide(io, std::nullopt);
    if (mode_ == Mode::kPass) return io.write_body(data);
    if (!out_.drain(io)) return 0;  // backpressure: the inner task waits
    if (data.empty()) return 0;
    if (!z_->write(data, out_.bytes)) {
      failed_ = true;
      return 0;
    }
    pending_in_ = true;
    out_.drain(io);
    return data.size();
  }

  std::unique_ptr<ResponseTask> inner_;
  DeflateRequest rq_;
  DeflateMatch match_;
  AlterEtag alter_;
  GzipSettings settings_;
  std::optional<GzipStream> z_;
  std::optional<uint64_t> length_;
  Outbox out_;
  Mode mode_ = Mode::kUndecided;
  bool inner_done_ = false;
  bool pending_in_ = false;  // zlib holds input not flushed to out_
  bool failed_ = false;
};

TaskStep DeflateWrapTask::step(TaskIo& io) {
  if (!out_.drain(io)) return TaskStep::kWaitBackend;
  if (inner_done_) {
    if (mode_ == Mode::kCompress && !z_->finished()) {
      if (!z_->finish(out_.bytes)) return TaskStep::kError;
      if (!out_.drain(io)) return TaskStep::kWaitBackend;
    }
    return TaskStep::kDone;
  }
  Proxy p(*this, io);
  const TaskStep st = inner_->step(p);
  if (failed_) return TaskStep::kError;
  if (st == TaskStep::kDone) {
    inner_done_ = true;
    if (mode_ == Mode::kUndecided) decide(io, length_.value_or(0));
    return step(io);
  }
  if (st == TaskStep::kWaitBackend && mode_ == Mode::kCompress && pending_in_ && out_.empty()) {
    // The backend has nothing more now: what it gave goes out (httpd's FLUSH bucket).
    if (!z_->sync_flush(out_.bytes)) return TaskStep::kError;
    pending_in_ = false;
    out_.drain(io);
  }
  return st;
}

}  // namespace

std::unique_ptr<ResponseTask> make_deflate_body_task(Response& resp, const GzipSettings& s) {
  auto t = std::make_unique<DeflateBodyTask>(resp, s);
  if (!t->ok()) return nullptr;
  return t;
}

std::unique_ptr<ResponseTask> make_deflate_wrap_task(std::unique_ptr<ResponseTask> inner,
                                                     DeflateRequest rq, DeflateMatch match,
                                                     AlterEtag alter, const GzipSettings& s) {
  return std::make_unique<DeflateWrapTask>(std::move(inner), std::move(rq), std::move(match), alter,
                                           s);
}

}  // namespace tern
