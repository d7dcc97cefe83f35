#include "http/connection.h"

#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "http/client_auth_log.h"
#include "http/head_fixup.h"
#include "http/http_date.h"
#include "http/special_env.h"
#include "http/task_state.h"
#include "log/access_log.h"
#include "log/access_record.h"
#include "log/error_log.h"
#include "util/exclusive_add.h"

namespace tern {

namespace {

constexpr size_t kMaxIov = 64;
constexpr uint64_t kInlineFileMax = 16 * 1024;  // small files travel in the head's writev
constexpr size_t kPoolMax = 16;

int64_t wall_clock_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void append_number(std::string& s, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, static_cast<size_t>(r.ptr - buf));  // (pointer, length): no temporary string
}

// "HTTP/1.x NNN Reason\r\nDate: ", the start of a response head.
void append_status_line(std::string& s, bool http10, int status, std::string_view reason) {
  s.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(s, static_cast<uint64_t>(status));
  s.push_back(' ');
  s.append(reason);
  s.append("\r\nDate: ");
}

// "HTTP/1.x NNN Reason\r\nDate: " for each status 100..599 that has a standard reason
// phrase, formatted once into one buffer: the start of every response head is then one
// append. Other statuses (reason "Unknown") get no entry.
class StatusLines {
 public:
  StatusLines() {
    for (int status = kFirst; status <= kLast; ++status) {
      const std::string_view reason = reason_phrase(status);
      if (reason == "Unknown") continue;
      for (int minor = 0; minor < 2; ++minor) {
        Span& at = spans_[minor][static_cast<size_t>(status - kFirst)];
        at.offset = static_cast<uint32_t>(text_.size());
        append_status_line(text_, minor == 0, status, reason);
        at.length = static_cast<uint16_t>(text_.size() - at.offset);
      }
    }
  }
  // The line for `status` (of HTTP/1.0 when `http10`); empty for a status without one.
  std::string_view get(int status, bool http10) const {
    if (status < kFirst || status > kLast) return {};
    const Span at = spans_[http10 ? 0 : 1][static_cast<size_t>(status - kFirst)];
    return std::string_view(text_).substr(at.offset, at.length);
  }

 private:
  static constexpr int kFirst = 100, kLast = 599;
  struct Span {
    uint32_t offset = 0;
    uint16_t length = 0;
  };
  std::string text_;
  Span spans_[2][kLast - kFirst + 1];
};

const StatusLines& status_lines() {
  static const StatusLines lines;
  return lines;
}

// The largest a head can be under `limits`, used to bound the input buffer.
size_t max_head_bytes(const ParserLimits& l) {
  size_t n = l.request_line + 2 + l.fields * (l.field_size + 2) + 2;
  return n < (64u << 20) ? n : (64u << 20);
}

void frame_chunked(Response& resp) {
  // Rewrites the memory chunks as one memory chunk holding "SIZE CRLF data CRLF" per chunk
  // and the last-chunk "0 CRLF CRLF". Generated bodies are small; one copy is acceptable.
  std::string framed;
  framed.reserve(resp.body_mem.size() + resp.chunks.size() * 12 + 5);
  for (const BodyChunk& c : resp.chunks) {
    if (c.from_file || c.length == 0) continue;  // file chunks are not supported here
    char hex[17];
    auto r = std::to_chars(hex, hex + sizeof hex, c.length, 16);
    framed.append(hex, static_cast<size_t>(r.ptr - hex));
    framed.append("\r\n");
    framed.append(resp.memory(c));
    framed.append("\r\n");
  }
  framed.append("0\r\n\r\n");
  resp.clear_body();
  resp.append_body(framed);
}

}  // namespace

WorkerScratch::WorkerScratch(const ParserLimits& limits) : file_buf(64 * 1024), limits_(limits) {}

std::unique_ptr<Exchange> WorkerScratch::take_exchange() {
  if (pool_.empty()) return std::make_unique<Exchange>(limits_);
  auto ex = std::move(pool_.back());
  pool_.pop_back();
  return ex;
}

void WorkerScratch::give_exchange(std::unique_ptr<Exchange> ex, bool already_reset) {
  if (pool_.size() >= kPoolMax || ex->in.capacity() > 65536) return;  // drop oversized ones
  if (!already_reset) {
    ex->parser.reset();
    ex->req.clear();
  }
  pool_.push_back(std::move(ex));
}

Connection& HttpProtocol::make(ConnectionSlot& slot, UniqueFd fd, const sockaddr* peer,
                               const sockaddr* local) const {
  return slot.emplace<HttpConnection>(std::move(fd), peer, local, *this);
}

std::unique_ptr<ProtocolWorkerState> HttpProtocol::make_worker_state() const {
  return std::make_unique<WorkerScratch>(env_.settings->limits);
}

HttpConnection::HttpConnection(UniqueFd fd, const sockaddr* peer, const sockaddr* local,
                               const HttpProtocol& proto)
    : proto_(&proto) {
  proto.transport().make(transport_, std::move(fd), peer, local);
  handshaking_ = proto.transport().needs_handshake();
}

HttpConnection::~HttpConnection() = default;

int64_t HttpConnection::park_timeout_ms() const {
  return task_ ? task_->backend_timeout_ms : Connection::park_timeout_ms();
}

uint64_t HttpConnection::park_progress() const {
  return task_ ? task_->backend_progress : 0;
}

void HttpConnection::release_buffers(WorkerContext& w) {
  if (!ex_) return;
  release_exchange(static_cast<WorkerScratch&>(w.state_for(*proto_)));
}

RequestContext HttpConnection::context() const {
  const ConnAddresses& a = transport().addresses();
  RequestContext ctx{a.peer(), a.peer_port,  a.local(),     a.local_port, transport().scheme(),
                     {},       &transport(), body_buffered_};
  // mod_ssl's words for a plaintext request on a TLS port (ssl_hook_ReadReq).
  if (plain_on_tls_)
    ctx.error_notes =
        "Reason: You're speaking plain HTTP to an SSL-enabled server port.<br />\n"
        " Instead use the HTTPS scheme to access this URL, please.<br />\n";
  return ctx;
}

int HttpConnection::check_sni(const ConnectionEnv& env, std::string_view host) const {
  const SiteRouter* r = env.router;
  const int sni_site = transport().sni_site();
  if (r == nullptr || site_ == nullptr || sni_site < 0) return 0;
  const size_t n = r->sites.size();
  const auto sni = static_cast<size_t>(sni_site);
  const auto chosen = static_cast<size_t>(site_ - r->sites.data());
  if (sni >= n || chosen >= n) return 0;
  const bool strict =
      r->strict_sni.size() == n && (r->strict_sni[sni] != 0 || r->strict_sni[chosen] != 0);
  const bool misdirected = r->misdirected(sni, chosen);
  if (!strict && !misdirected) return 0;
  std::string name;
  const bool has_sni = transport().tls_var("SSL_TLS_SNI", &name);
  if (strict && !has_sni) {
    ErrorLog::write(LogLevel::kError, "ssl",
                    "AH02033: No hostname was provided via SNI for a name based virtual host");
    return 403;
  }
  if (!misdirected) return 0;
  ErrorLog::write(LogLevel::kError, "ssl",
                  "AH02032: Hostname " + (has_sni ? name : std::string("(none)")) +
                      " provided via SNI and hostname " + std::string(host) +
                      " provided via HTTP have no compatible SSL setup");
  return 421;
}

void HttpConnection::release_exchange(WorkerScratch& w) {
  if (ex_ && ex_->in.empty() && phase_ == Phase::kHead) w.give_exchange(std::move(ex_));
}

size_t HttpConnection::retained_bytes() const {
  size_t n = sizeof *this + stash_len_;
  if (ex_) n += sizeof(Exchange) + ex_->in.capacity();
  if (parked_) n += sizeof(PendingOutput) + parked_->head.capacity();
  return n;
}

void HttpConnection::stash_head(WorkerScratch& w) {
  // Only the bytes are kept: the parser's progress is dropped with the exchange, and the
  // parser reads the head again from its first byte, which it answers the same for any split.
  const size_t n = ex_->in.size();
  if (phase_ != Phase::kHead || n > kStashMax) return;
  stash_ = std::make_unique_for_overwrite<char[]>(n);
  std::memcpy(stash_.get(), ex_->in.pending().data(), n);
  stash_len_ = static_cast<uint32_t>(n);
  ex_->in.consume(n);
  w.give_exchange(std::move(ex_));
}

void HttpConnection::unstash_head(WorkerScratch& w) {
  if (!ex_) ex_ = w.take_exchange();
  InputBuffer& in = ex_->in;  // empty: all of it is room
  static_assert(HttpConnection::kStashMax <= Exchange::kInputCapacity);
  in.room(in.capacity());
  std::memcpy(in.write_ptr(), stash_.get(), stash_len_);
  in.commit(stash_len_);
  stash_.reset();
  stash_len_ = 0;
}

ConnWait HttpConnection::run_handshake() {
  const HandshakeStatus hs = transport().handshake();
  phase_bytes_ = transport().raw_bytes_read();
  switch (hs) {
    case HandshakeStatus::kWouldBlock:
      return ConnWait::kHandshake;
    case HandshakeStatus::kFailed:
      return ConnWait::kClose;
    case HandshakeStatus::kPlainHttp:
      plain_on_tls_ = true;
      break;
    case HandshakeStatus::kDone:
      break;
  }
  handshaking_ = false;
  start_phase(0);  // the request head's phase starts now
  return ConnWait::kReadHead;
}

void HttpConnection::end_client_auth() {
  transport().end_client_auth();
  client_auth_ = false;
  client_auth_body_ = 0;
  client_auth_head_ = 0;
  client_auth_fed_ = 0;
}

ConnWait HttpConnection::run_client_auth(WorkerScratch& w, const ConnectionEnv& env) {
  if (client_auth_body_ > 0) return buffer_client_auth_body(w, env);
  const ClientAuthStatus s = transport().continue_client_auth();
  if (s == ClientAuthStatus::kWaiting) return ConnWait::kHandshake;
  if (s == ClientAuthStatus::kFailed) return ConnWait::kClose;
  // Answered, or application data came first: the client went on without answering, and
  // the request is decided without the certificate.
  end_client_auth();
  return ConnWait::kReadHead;
}

ConnWait HttpConnection::buffer_client_auth_body(WorkerScratch& w, const ConnectionEnv& env) {
  // mod_ssl's fill_reneg_buffer: the whole body, up to SSLRenegBufferSize, is read before
  // the client is asked, so the same bodies pass and the same get 413, and a refused body
  // never meets a renegotiation in progress.
  Exchange& ex = *ex_;
  if (client_auth_head_ == 0) {
    // The head once; the parser then stays in its body state across reads and waits, and
    // each read's bytes are decoded once.
    ex.parser.reset();
    const HeadResult hr = ex.parser.parse_head(ex.in.pending(), ex.req);
    if (hr.status != ParseStatus::kDone) {
      // The retained head parsed before; if it no longer does, the body cannot be found.
      // Not the client's doing, so said in the log rather than only in the 400.
      if (ErrorLog::enabled(LogLevel::kError)) {
        const ConnAddresses& a = transport().addresses();
        ErrorLog::write(LogLevel::kError, "ssl",
                        client_prefix(a.peer(), a.peer_port) +
                            "request head kept for the client certificate no longer parses");
      }
      end_client_auth();
      return respond_error(w, env, 400);
    }
    client_auth_head_ = static_cast<uint32_t>(hr.consumed);
    client_auth_fed_ = client_auth_head_;
  }
  // What ends the wait early, as fill_reneg_buffer's read does: the body's own error (400,
  // 413 over LimitRequestBody) or a body over SSLRenegBufferSize.
  // Logged as mod_ssl logs a failed fill_reneg_buffer: why (`what`), then AH02257/AH10228.
  const auto refuse = [&](int status, std::string_view what) {
    if (ErrorLog::enabled(LogLevel::kError)) {
      const ConnAddresses& a = transport().addresses();
      const std::string client = client_prefix(a.peer(), a.peer_port);
      ErrorLog::write(LogLevel::kError, "ssl", client + std::string(what));
      ErrorLog::write(LogLevel::kError, "ssl",
                      client + std::string(reneg_buffer_refused(client_auth_reneg_)));
    }
    // The buffer may have moved since the head was parsed: its views again for the answer.
    ex.parser.reset();
    ex.parser.parse_head(ex.in.pending(), ex.req);
    end_client_auth();
    return respond_error(w, env, status);
  };
  for (;;) {
    const BodyResult br = ex.parser.parse_body(ex.in.pending().substr(client_auth_fed_), nullptr);
    client_auth_fed_ += static_cast<uint32_t>(br.consumed);
    if (br.status == ParseStatus::kError) return refuse(br.error_status, br.reason);
    // The limit is on the body's bytes (a chunked one's as its chunks announce them); the
    // buffer also holds the framing, which tiny chunks can make larger than the body.
    const bool over = ex.parser.body_decoded() > client_auth_body_;
    if (!over && br.status == ParseStatus::kDone) break;
    const size_t room =
        over ? 0 : ex.in.room(client_auth_head_ + 2 * size_t{client_auth_body_} + 4096);
    if (room == 0) return refuse(413, reneg_buffer_exceeded(client_auth_body_));
    IoResult r = transport().read({ex.in.write_ptr(), room});
    if (r.status == IoStatus::kWouldBlock) return ConnWait::kReadBody;
    if (r.status != IoStatus::kOk) return ConnWait::kClose;
    ex.in.commit(r.bytes);
  }
  // The request runs again from its head with its body here: now mod_ssl asks.
  ex.parser.reset();
  end_client_auth();
  body_buffered_ = true;
  return ConnWait::kReadHead;
}

ConnWait HttpConnection::run(WorkerContext& wc) {
  if (handshaking_) {
    ConnWait next = run_handshake();
    if (next != ConnWait::kReadHead) return next;
  }
  auto& w = static_cast<WorkerScratch&>(wc.state_for(*proto_));
  w.score = wc.score;
  w.ctx = &wc;
  return run_exchange(w, proto_->env());
}

int HttpConnection::prefetch_fd() const {
  if (handshaking_ || ex_ || task_ || client_auth_ || stash_ || parked_ ||
      phase_ == Phase::kDiscardBody || prefetch_slot_ >= 0 ||
      !transport().reads_socket_directly()) {
    return -1;
  }
  return fd();
}

// An empty exchange has room for a whole read taken ahead.
static_assert(Exchange::kInputCapacity >= ReadPrefetch::kReadBytes);

IoResult HttpConnection::read_input(WorkerScratch& w, std::span<char> buf, bool* more) {
  *more = false;
  if (prefetch_slot_ < 0) return transport().read(buf);
  const PrefetchedRead p = w.ctx->prefetch.result(prefetch_slot_);
  prefetch_slot_ = -1;
  if (p.result == 0) return IoResult{IoStatus::kEof, 0, 0};
  if (p.result == -EAGAIN) return IoResult{IoStatus::kWouldBlock, 0, 0};
  // Not taken after all (ReadPrefetch marks those -EINTR; a cancelled one is the same).
  if (p.result == -EINTR || p.result == -ECANCELED) return transport().read(buf);
  if (p.result < 0) return IoResult{IoStatus::kError, 0, static_cast<int>(-p.result)};
  const size_t n = static_cast<size_t>(p.result);
  std::memcpy(buf.data(), p.data, n);  // buf is an empty exchange's room: n fits
  *more = n == p.capacity;
  return IoResult{IoStatus::kOk, n, 0};
}

ConnWait HttpConnection::run_exchange(WorkerScratch& w, const ConnectionEnv& env) {
  if (task_) {
    // A task in progress; when it finishes, go on with what follows it (pipelining).
    ConnWait next = run_task(w, env);
    if (next != ConnWait::kReadHead || task_) return next;
  }
  if (client_auth_) {
    ConnWait next = run_client_auth(w, env);
    if (next != ConnWait::kReadHead) return next;
  }
  if (stash_) unstash_head(w);
  if (parked_) {
    WriteResult r = write_output(*parked_, w, env);
    if (r == WriteResult::kAgain) return ConnWait::kWrite;
    parked_.reset();
    if (r == WriteResult::kError) return ConnWait::kClose;
    ConnWait next = after_response(w, env);
    if (next != ConnWait::kReadHead) return next;
  }
  if (phase_ == Phase::kDiscardBody) {
    ConnWait next = discard_body(w, env);
    if (next != ConnWait::kReadHead) return next;
    if (close_after_) return close_or_linger(w);  // the response said Connection: close
  }
  for (;;) {
    if (!ex_) ex_ = w.take_exchange();
    Exchange& ex = *ex_;
    if (!ex.in.empty()) {
      uint32_t before = requests_;
      ConnWait next = process_head(w, env);
      if (next != ConnWait::kReadHead) return next;
      // A request was answered: parse whatever is buffered next (pipelining).
      // With nothing buffered and the input drained by the last short read,
      // idle without another read(): epoll reports bytes that arrive later.
      if (requests_ != before) {
        if (ex_->in.empty() && input_drained_) {
          w.give_exchange(std::move(ex_), true);  // after_response() reset it
          return ConnWait::kKeepAlive;
        }
        continue;
      }
      // Otherwise the head is incomplete: read more.
    }
    size_t room = ex.in.room(max_head_bytes(env.settings->limits));
    if (room == 0) return respond_error(w, env, 431);
    bool more = false;
    IoResult r = read_input(w, {ex.in.write_ptr(), room}, &more);
    if (r.status == IoStatus::kOk) {
      ex.in.commit(r.bytes);
      phase_bytes_ += r.bytes;
      // Drained only if the transport holds nothing either (TLS keeps decrypted records)
      // and a read taken ahead did not fill its smaller room: edge-triggered epoll
      // reports only what reaches the socket later.
      input_drained_ = r.bytes < room && !more && !transport().has_buffered_input();
      continue;
    }
    // Peer closed (mid-head or idle), or failed.
    if (r.status != IoStatus::kWouldBlock) return ConnWait::kClose;
    if (ex.in.empty()) {
      w.give_exchange(std::move(ex_));
      return requests_ == 0 ? ConnWait::kReadHead : ConnWait::kKeepAlive;
    }
    stash_head(w);
    return ConnWait::kReadHead;
  }
}

ConnWait HttpConnection::process_head(WorkerScratch& w, const ConnectionEnv& env) {
  Exchange& ex = *ex_;
  if (request_start_us_ == 0) request_start_us_ = wall_clock_us();
  HeadResult hr = ex.parser.parse_head(ex.in.pending(), ex.req);
  if (hr.status == ParseStatus::kNeedMore) return ConnWait::kReadHead;
  if (plain_on_tls_) return respond_error(w, env, 400);  // mod_ssl's HTTP_BAD_REQUEST
  // 417 comes with a complete head and valid framing (request_parser.h): it is answered like
  // any response below, its body dropped, and the connection kept.
  if (hr.status == ParseStatus::kError && hr.consumed == 0) {
    return respond_error(w, env, hr.error_status);
  }
  int rejected = hr.status == ParseStatus::kError ? hr.error_status : 0;

  const Request& req = ex.req;
  ++requests_;
  client_closes_ = !req.keep_alive;
  if (!env.settings->keep_alive || !req.keep_alive ||
      (env.settings->max_keep_alive_requests > 0 &&
       requests_ >= static_cast<uint32_t>(env.settings->max_keep_alive_requests)) ||
      w.ctx->is_stopping()) {
    close_after_ = true;
  }

  Response& resp = w.out.resp;
  choose_site(env, req.host);
  if (rejected == 0) rejected = check_sni(env, req.host);
  if (rejected != 0) {
    resp.clear();  // (handle() clears it itself)
    handler(env).error(rejected, &req, context(), resp);
    resp.status = rejected;
  } else {
    handler(env).handle(req, context(), resp);
    body_buffered_ = false;  // it served this run of the request only
    if (resp.client_auth) {
      // mod_ssl's per-directory SSLVerifyClient: the client is asked for its certificate
      // (held by the listener while it answers) and the request, still in the buffer, runs
      // again from its head, this time with the certificate.
      --requests_;
      close_after_ = false;
      ex.parser.reset();
      client_auth_ = true;
      client_auth_body_ = resp.client_auth_body;
      client_auth_reneg_ = resp.client_auth_renegotiation;
      ConnWait next = run_client_auth(w, env);
      return next == ConnWait::kReadHead ? process_head(w, env) : next;
    }
    // A response that takes time (CGI): the task reads the body and writes the response.
    if (resp.task) return start_task(w, env, hr.consumed);
  }

  // Decode the part of the body already buffered (nothing is read for it): a broken body
  // that is already here (bad chunk size, missing CRLF, chunked above LimitRequestBody) gets
  // its 400/413 instead of the handler's response. The views of `req` stay valid: consume()
  // only moves an offset. Body bytes arriving later are checked while they are dropped after
  // the response; an error there closes the connection.
  size_t body_seen = 0;
  bool body_done = !req.has_body();
  if (!body_done && !req.expect_continue && hr.consumed < ex.in.size()) {
    BodyResult br = ex.parser.parse_body(ex.in.pending().substr(hr.consumed), nullptr);
    if (br.status == ParseStatus::kError) {
      --requests_;  // respond_error counts it again
      return respond_error(w, env, br.error_status);
    }
    body_seen = br.consumed;
    body_done = br.status == ParseStatus::kDone;
  }

  // The handler did not read the body: drop it when small enough, else close.
  if (!body_done) {
    if (req.expect_continue) {
      // No handler reads a body, so 100 Continue is never sent: the final status goes out at
      // once (RFC 9110 §10.1.1) with Connection: close, as the client may or may not send
      // the body now; a lingering close drains it if it does.
      close_after_ = true;
      linger_after_ = true;
    } else if (req.content_length && *req.content_length > env.settings->max_discard) {
      close_after_ = true;
      linger_after_ = true;
    } else {
      discard_left_ =
          env.settings->max_discard > body_seen ? env.settings->max_discard - body_seen : 1;
    }
  }
  if (resp.close_connection) close_after_ = true;

  build_head(w, env, &req, req.method == Method::kHead);
  log_access(w, env, &req);
  ex.in.consume(hr.consumed + body_seen);
  phase_ = discard_left_ > 0 ? Phase::kDiscardBody : Phase::kHead;
  // The body phase (read after the response) or the next head starts now; what is
  // already buffered of the next head counts as received in its phase.
  start_phase(phase_ == Phase::kHead ? ex.in.size() : 0);
  // The request's views are dead from here on (the body discard reuses the buffer).

  WriteResult r = write_output(w.out, w, env);
  if (r == WriteResult::kError) return ConnWait::kClose;
  if (r == WriteResult::kAgain) {
    parked_ = std::make_unique<PendingOutput>(std::move(w.out));
    w.out = PendingOutput{};
    release_exchange(w);
    return ConnWait::kWrite;
  }
  return after_response(w, env);
}

ConnWait HttpConnection::after_response(WorkerScratch& w, const ConnectionEnv& env) {
  request_start_us_ = 0;
  if (phase_ == Phase::kDiscardBody) {
    ConnWait next = discard_body(w, env);
    if (next != ConnWait::kReadHead) return next;
  }
  if (close_after_) return close_or_linger(w);
  if (ex_) {
    ex_->parser.reset();
    ex_->req.clear();
  }
  return ConnWait::kReadHead;  // continue with buffered or new input
}

ConnWait HttpConnection::discard_body(WorkerScratch& w, const ConnectionEnv&) {
  if (!ex_) ex_ = w.take_exchange();
  Exchange& ex = *ex_;
  for (;;) {
    if (!ex.in.empty()) {
      BodyResult br = ex.parser.parse_body(ex.in.pending(), nullptr);
      ex.in.consume(br.consumed);
      discard_left_ = br.consumed > discard_left_ ? 0 : discard_left_ - br.consumed;
      if (br.status == ParseStatus::kDone) {
        phase_ = Phase::kHead;
        discard_left_ = 0;
        start_phase(ex.in.size());
        // Ready for the next request also when resumed from run() (the body came in later
        // reads): a parser left in its finished state would answer the old request again.
        ex.parser.reset();
        ex.req.clear();
        return ConnWait::kReadHead;
      }
      if (br.status == ParseStatus::kError || discard_left_ == 0) {
        // Broken framing or too much to drop: the stream cannot be trusted.
        phase_ = Phase::kHead;
        close_after_ = true;
        linger_after_ = true;
        return close_or_linger(w);
      }
    }
    size_t room = ex.in.room(ex.in.capacity());
    IoResult r = transport().read({ex.in.write_ptr(), room});
    if (r.status == IoStatus::kOk) {
      ex.in.commit(r.bytes);
      phase_bytes_ += r.bytes;
      continue;
    }
    if (r.status == IoStatus::kWouldBlock) return ConnWait::kReadBody;
    return ConnWait::kClose;
  }
}

ConnWait HttpConnection::respond_error(WorkerScratch& w, const ConnectionEnv& env, int status) {
  // A request that failed to parse leaves the stream in an unknown state: answer,
  // then close after draining what the client still sends.
  ++requests_;
  close_after_ = true;
  linger_after_ = true;
  Response& resp = w.out.resp;
  resp.clear();
  const Request* req = nullptr;
  if (ex_ && !ex_->req.method_name.empty()) req = &ex_->req;
  // A request whose head was read keeps its vhost (a CGI task's 504); else the address's.
  choose_site(env, req != nullptr ? req->host : std::string_view{});
  handler(env).error(status, req, context(), resp);
  resp.status = status;
  // No body for HEAD, also when the head failed before the request was filled in.
  bool head_only = req ? req->method == Method::kHead : unparsed().substr(0, 5) == "HEAD ";
  build_head(w, env, req, head_only);
  log_access(w, env, req);
  if (ex_) {
    ex_->in.consume(ex_->in.size());
    ex_->parser.reset();
    ex_->req.clear();
  }
  stash_.reset();
  stash_len_ = 0;
  phase_ = Phase::kHead;
  WriteResult r = write_output(w.out, w, env);
  if (r == WriteResult::kError) return ConnWait::kClose;
  if (r == WriteResult::kAgain) {
    parked_ = std::make_unique<PendingOutput>(std::move(w.out));
    w.out = PendingOutput{};
    release_exchange(w);
    return ConnWait::kWrite;
  }
  return close_or_linger(w);
}

ConnWait HttpConnection::on_timeout(WorkerContext& wc, ConnWait what) {
  auto& w = static_cast<WorkerScratch&>(wc.state_for(*proto_));
  w.score = wc.score;
  w.ctx = &wc;
  const ConnectionEnv& env = proto_->env();
  if (task_) return task_timeout(w, env, what);
  // A partial head gets 408; an idle connection is just closed, and so is a stalled
  // body: tern reads a body only to drop it after its response went out, so no
  // response is possible any more (httpd closes in that case too).
  // A stashed head is answered from its bytes: no exchange is needed for a 408.
  if (what == ConnWait::kReadHead && buffered() > 0) return respond_error(w, env, 408);
  return ConnWait::kClose;
}

ConnWait HttpConnection::close_or_linger(WorkerScratch& w) {
  // Close at once unless input may be left unread (a close with unread input sends a
  // reset, which can destroy the response before the client reads it). A client that
  // asked to close and whose input was drained by the last read sends nothing more, as
  // nginx assumes too; otherwise the socket is asked (FIONREAD).
  const bool quiet = client_closes_ && input_drained_;
  if (!linger_after_ && (!ex_ || ex_->in.empty()) && (quiet || !transport().has_unread_input())) {
    // The exchange (its buffers and parser) serves the worker's next connection.
    if (ex_) w.give_exchange(std::move(ex_));
    return ConnWait::kClose;
  }
  transport().shutdown_write();
  ex_.reset();
  return ConnWait::kLinger;
}

bool HttpConnection::drain_linger() {
  char buf[4096];
  for (;;) {
    IoResult r = transport().read(buf);
    if (r.status == IoStatus::kOk) continue;
    if (r.status == IoStatus::kWouldBlock) return false;
    return true;  // EOF or error
  }
}

void HttpConnection::build_head(WorkerScratch& w, const ConnectionEnv& env, const Request* req,
                                bool head_only) {
  PendingOutput& o = w.out;
  Response& resp = o.resp;
  bool no_body = status_forbids_body(resp.status);
  if (no_body) resp.clear_body();
  uint64_t length = resp.body_length();
  if (resp.head_fixup) resp.head_fixup->apply({req, &transport(), request_start_us_}, resp);
  // Response::chunked: Transfer-Encoding: chunked for HTTP/1.1, a close-delimited body for
  // HTTP/1.0 (and unparsed requests), which cannot take chunked framing (RFC 9112 §6.1).
  apply_special_env(req, resp);
  const bool te_chunked = resp.chunked && !no_body && req && !as_http10_;
  if (resp.chunked && !no_body && !te_chunked) close_after_ = true;
  if (te_chunked && !head_only) frame_chunked(resp);

  // Small file bodies go out with the head in one writev.
  if (!head_only && !resp.chunks.empty() && resp.has_file() && length <= kInlineFileMax) {
    for (auto& c : resp.chunks) {
      if (!c.from_file) continue;
      size_t at = resp.body_mem.size();
      resp.body_mem.resize(at + c.length);
      ssize_t got = ::pread(resp.file_fd(), resp.body_mem.data() + at, c.length,
                            static_cast<off_t>(c.offset));
      if (got != static_cast<ssize_t>(c.length)) {  // file changed under us: stop here
        resp.body_mem.resize(at);
        break;
      }
      c.from_file = false;
      c.offset = at;
    }
  }

  std::string& h = o.head;
  h.clear();
  o.head_sent = 0;
  o.chunk = 0;
  o.chunk_sent = 0;
  const BodyFraming framing = te_chunked                  ? BodyFraming::kChunked
                              : !no_body && !resp.chunked ? BodyFraming::kLength
                                                          : BodyFraming::kNone;
  append_head(h, env, req, resp.status, resp.reason, resp.fields, framing, length);
  if (head_only) resp.clear_body();
}

void HttpConnection::apply_special_env(const Request* req, const Response& resp) {
  if (req == nullptr) {
    as_http10_ = status_http10_ = false;
    return;
  }
  const SpecialEnv s = special_env(*req, resp);
  as_http10_ = s.as_http10;
  status_http10_ = s.status_http10;
  if (s.close) close_after_ = true;
}

void HttpConnection::append_head(std::string& h, const ConnectionEnv& env, const Request* req,
                                 int status, std::string_view reason, std::string_view fields,
                                 BodyFraming framing, uint64_t length) const {
  if (const std::string_view line = status_lines().get(status, status_http10_);
      reason.empty() && !line.empty()) {
    h.append(line);
  } else {
    append_status_line(h, status_http10_, status, reason.empty() ? reason_phrase(status) : reason);
  }
  h.append(current_http_date());
  h.append("\r\n");
  h.append(env.settings->server_line);
  h.append(fields);
  if (framing == BodyFraming::kChunked) {
    h.append("Transfer-Encoding: chunked\r\n");
  } else if (framing == BodyFraming::kLength) {
    h.append("Content-Length: ");
    append_number(h, length);
    h.append("\r\n");
  }
  if (close_after_) {
    h.append("Connection: close\r\n");
  } else if (req && as_http10_) {
    h.append("Keep-Alive: timeout=");
    append_number(h, static_cast<uint64_t>(env.settings->keep_alive_timeout_s));
    h.append("\r\nConnection: keep-alive\r\n");
  }
  h.append("\r\n");
}

void HttpConnection::log_access(WorkerScratch& w, const ConnectionEnv& env, const Request* req) {
  const Response& resp = w.out.resp;
  const uint64_t body = resp.body_length();
  log_response(w, env, req, resp, body, w.out.head.size() + body);
}

void HttpConnection::log_response(WorkerScratch& w, const ConnectionEnv& env, const Request* req,
                                  const Response& resp, uint64_t body, uint64_t out_bytes) {
  // One clock read serves both the scoreboard and the log.
  const int64_t now = wall_clock_us();
  const int64_t start = request_start_us_ ? request_start_us_ : now;
  const int64_t dur = now - start;
  if (WorkerScore* sc = w.score) {
    exclusive_add(sc->accesses, 1);  // the slot is this worker's: one writer
    exclusive_add(sc->bytes, body);
    sc->conn_count.store(requests_, std::memory_order_relaxed);
    body_bytes_sent_ += body;
    sc->conn_bytes.store(body_bytes_sent_, std::memory_order_relaxed);
    sc->last_start_us.store(start, std::memory_order_relaxed);
    sc->last_duration_us.store(dur, std::memory_order_relaxed);
    exclusive_add(sc->duration_total_us, dur);
    std::string_view line = req ? req->request_line : std::string_view("NULL");
    std::string_view proto = !req ? "" : req->version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    std::string_view vhost = site_ != nullptr            ? site_->server_name
                             : req && !req->host.empty() ? req->host
                                                         : env.settings->server_name;
    sc->set_request(transport().addresses().peer(), proto, vhost, line,
                    req ? req->method_name : "");
  }
  AccessLogs* logs = site_ != nullptr ? site_->logs : env.logs;
  if (!logs) return;
  AccessRecord r{};
  r.req = req;
  if (req) {
    r.request_line = req->request_line;
  } else {
    std::string_view p = unparsed();
    size_t eol = p.find_first_of("\r\n");
    r.request_line = p.substr(0, eol == std::string_view::npos ? p.size() : eol);
  }
  r.original_status = resp.status;
  r.final_status = resp.status;
  r.body_bytes = body;
  r.bytes_in = 0;
  r.bytes_out = out_bytes;
  const ConnAddresses& a = transport().addresses();
  r.client_ip = a.peer();
  r.client_port = a.peer_port;
  r.local_ip = a.local();
  r.local_port = a.local_port;
  r.server_name = site_ != nullptr ? site_->server_name : env.settings->server_name;
  r.request_time_us = start;
  r.duration_us = dur;
  r.keepalive_count = requests_ > 0 ? static_cast<int>(requests_ - 1) : 0;
  r.conn_status = close_after_ ? '-' : '+';
  r.resp = &resp;
  r.transport = &transport();
  logs->log(r);
}

HttpConnection::WriteResult HttpConnection::write_output(PendingOutput& o, WorkerScratch& w,
                                                         const ConnectionEnv& env) {
  Response& resp = o.resp;
  for (;;) {
    iovec iov[kMaxIov];
    size_t n_iov = 0;
    if (o.head_sent < o.head.size()) {
      iov[n_iov++] = {o.head.data() + o.head_sent, o.head.size() - o.head_sent};
    }
    size_t ci = o.chunk;
    uint64_t skip = o.chunk_sent;
    while (ci < resp.chunks.size() && !resp.chunks[ci].from_file && n_iov < kMaxIov) {
      const BodyChunk& c = resp.chunks[ci];
      const std::string_view bytes = resp.memory(c).substr(skip);
      iov[n_iov++] = {const_cast<char*>(bytes.data()), bytes.size()};
      skip = 0;
      ++ci;
    }
    if (n_iov > 0) {
      if (ends_output()) transport().output_ends_with_next_write();
      IoResult r = transport().writev({iov, n_iov}, ci < resp.chunks.size());
      if (r.status != IoStatus::kOk) {
        return r.status == IoStatus::kWouldBlock ? WriteResult::kAgain : WriteResult::kError;
      }
      uint64_t left = r.bytes;
      bytes_written_ += left;
      uint64_t h = std::min<uint64_t>(left, o.head.size() - o.head_sent);
      o.head_sent += h;
      left -= h;
      while (left > 0) {
        const BodyChunk& c = resp.chunks[o.chunk];
        uint64_t take = std::min(left, c.length - o.chunk_sent);
        o.chunk_sent += take;
        left -= take;
        if (o.chunk_sent == c.length) {
          ++o.chunk;
          o.chunk_sent = 0;
        }
      }
      continue;
    }
    if (o.chunk >= resp.chunks.size()) return WriteResult::kDone;
    // A file chunk.
    const BodyChunk& c = resp.chunks[o.chunk];
    uint64_t left = c.length - o.chunk_sent;
    const uint64_t off = c.offset + o.chunk_sent;
    IoResult r;
    if (env.settings->enable_sendfile && transport().can_send_file()) {
      r = transport().send_file(resp.file_fd(), off, std::min<uint64_t>(left, SIZE_MAX));
    } else {
      // EnableSendfile Off, or a transport that cannot send a file (TLS without kernel TLS):
      // copy through the worker's buffer. It lives here, not in the transport, because the
      // buffer is the worker's and the copy is the same over any transport.
      size_t want = std::min<uint64_t>(left, w.file_buf.size());
      ssize_t got = ::pread(resp.file_fd(), w.file_buf.data(), want, static_cast<off_t>(off));
      if (got <= 0) return WriteResult::kError;
      iovec one{w.file_buf.data(), static_cast<size_t>(got)};
      // More follows when the file goes on or other chunks come after it.
      const bool more = static_cast<uint64_t>(got) < left || o.chunk + 1 < resp.chunks.size();
      if (ends_output()) transport().output_ends_with_next_write();
      r = transport().writev({&one, 1}, more);
    }
    if (r.status != IoStatus::kOk) {
      return r.status == IoStatus::kWouldBlock ? WriteResult::kAgain : WriteResult::kError;
    }
    if (r.bytes == 0) return WriteResult::kError;  // file shrank
    bytes_written_ += r.bytes;
    o.chunk_sent += r.bytes;
    if (o.chunk_sent == c.length) {
      ++o.chunk;
      o.chunk_sent = 0;
    }
  }
}

}  // namespace tern
