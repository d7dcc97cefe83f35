/* bench/fixed_loop.c — the system-call floor for bench/run.sh's "rows" part: a
 * single-threaded epoll loop that answers every HTTP/1.1 request head with one fixed
 * 200 response (a 600-byte text/html body; a 4096-byte one on a connection whose
 * first request line asks for a path ending in "4k.html", as the 4 KiB row's does; a
 * 65536-byte one, written from memory, for a path ending in "64k.html"),
 * keep-alive unless the request says `Connection: close` (or is HTTP/1.0 without
 * keep-alive): then it answers with `Connection: close` and closes. No file I/O, no
 * parsing beyond finding the end of each head, its Connection header and the first
 * request's target; pipelined heads get one response each.
 *
 * Usage: bench_fixed_loop [--uring] ADDRESS PORT     (e.g. 127.0.0.1 8080)
 * Build: cc -O2 -Wall -Wextra -Werror -o bench_fixed_loop bench/fixed_loop.c -luring
 * Runs until killed. The listener has TCP_DEFER_ACCEPT (as h2o's, and httpd's
 * AcceptFilter on Linux), so a connection is accepted with its request: accept4,
 * epoll_ctl, read at once; then read + writev per request (one writev for all the
 * responses a read completes), close at EOF or after a close; no setsockopt, no
 * allocation once a descriptor number was used.
 *
 * With --uring the same answers go through io_uring instead of epoll (liburing; a
 * ring with SINGLE_ISSUER and DEFER_TASKRUN where the kernel has them): a multishot
 * accept, one recv in flight per connection, the responses by sendmsg posted together
 * with the next recv, one io_uring_enter per loop turn for all of it. It asks whether
 * a different system-call interface lowers the floor: it removes nearly every system
 * call (about 0.3 per request instead of 2.2) but not the kernel's TCP work. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

enum { MAX_BODY_SIZE = 65536, IN_SIZE = 16384, MAX_IOV = 64, MAX_EVENTS = 256 };

struct conn {
  int open;         /* fd is an accepted connection */
  size_t in_len;    /* bytes in in[] not yet consumed */
  unsigned pending; /* whole responses still to write */
  size_t offset;    /* bytes of the first pending response already written */
  int close_after;  /* the last pending response is the close variant; close after it */
  int size_class;   /* index into the body sizes (decided by the first request) */
  int decided;      /* the first request line was seen */
  /* --uring only: what is in flight, and the send's vector (kept until it completes). */
  int receiving, sending, closing;
  struct iovec iov[MAX_IOV];
  struct msghdr msg;
  char in[IN_SIZE];
};

/* The body sizes, and the two responses of each (keep-alive and close). */
enum { SIZE_CLASSES = 3 };
static const int body_sizes[SIZE_CLASSES] = {600, 4096, MAX_BODY_SIZE};
static char keep_alive_response[SIZE_CLASSES][MAX_BODY_SIZE + 512],
    close_response[SIZE_CLASSES][MAX_BODY_SIZE + 512];
static size_t keep_alive_len[SIZE_CLASSES], close_len[SIZE_CLASSES];
static struct conn **conns; /* indexed by fd; kept after close for the next connection */
static size_t max_fds;
static int epfd;

static void die(const char *what) {
  perror(what);
  exit(1);
}

/* Builds the responses of each body size: the same head and body, one with
 * Connection: close. */
static void build_responses(void) {
  static char body[MAX_BODY_SIZE + 1];
  for (int k = 0; k < SIZE_CLASSES; k++) {
    const int size = body_sizes[k];
    const char *head = "<!DOCTYPE html><html><head><title>bench</title></head><body><p>";
    const char *tail = "</p></body></html>\n";
    size_t h = strlen(head), t = strlen(tail);
    memcpy(body, head, h);
    memset(body + h, 'x', (size_t)size - h - t);
    memcpy(body + size - t, tail, t);
    body[size] = '\0';
    keep_alive_len[k] = (size_t)snprintf(
        keep_alive_response[k], sizeof keep_alive_response[k],
        "HTTP/1.1 200 OK\r\nServer: fixed-loop\r\n"
        "Content-Type: text/html\r\nContent-Length: %d\r\n\r\n%s",
        size, body);
    close_len[k] = (size_t)snprintf(close_response[k], sizeof close_response[k],
                                    "HTTP/1.1 200 OK\r\nServer: fixed-loop\r\n"
                                    "Content-Type: text/html\r\nContent-Length: %d\r\n"
                                    "Connection: close\r\n\r\n%s",
                                    size, body);
  }
}

/* The size class the request line at the start of [p, p+n) asks for: 2 for a path
 * ending in "64k.html", 1 for one ending in "4k.html", else 0. */
static int wanted_size(const char *p, size_t n) {
  const char *line_end = memmem(p, n, "\r\n", 2);
  size_t len = line_end ? (size_t)(line_end - p) : n;
  const char *sp = memmem(p, len, " HTTP/", 6); /* the target ends before it */
  if (sp && sp - p >= 8 && memcmp(sp - 8, "64k.html", 8) == 0) return 2;
  return sp && sp - p >= 7 && memcmp(sp - 7, "4k.html", 7) == 0;
}

static void close_conn(int fd) {
  conns[fd]->open = 0;
  close(fd); /* also leaves the epoll set */
}

static void set_interest(int fd, unsigned events) {
  struct epoll_event ev = {.events = events, .data.fd = fd};
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0) die("epoll_ctl MOD");
}

/* Does the head [p, p+n) ask to close: a Connection header holding "close", or
 * HTTP/1.0 without "keep-alive"? Header names are case-insensitive. */
static int wants_close(const char *p, size_t n) {
  const char *line_end = memmem(p, n, "\r\n", 2);
  if (!line_end) line_end = p + n; /* a request line alone */
  int http10 = line_end - p >= 8 && memcmp(line_end - 8, "HTTP/1.0", 8) == 0;
  int close_token = 0, keep = 0;
  const char *cur = line_end + 2;
  while (cur < p + n) {
    const char *end = memmem(cur, (size_t)(p + n - cur), "\r\n", 2);
    size_t len = end ? (size_t)(end - cur) : (size_t)(p + n - cur);
    if (len > 11 && strncasecmp(cur, "connection:", 11) == 0) {
      char value[128];
      size_t vlen = len - 11 < sizeof value - 1 ? len - 11 : sizeof value - 1;
      memcpy(value, cur + 11, vlen);
      value[vlen] = '\0';
      if (strcasestr(value, "close")) close_token = 1;
      if (strcasestr(value, "keep-alive")) keep = 1;
    }
    cur += len + 2;
  }
  return close_token || (http10 && !keep);
}

/* Counts the complete heads in c->in as pending responses and drops them from the
 * buffer; stops after a head that asks to close. */
static void parse_heads(struct conn *c) {
  size_t start = 0;
  while (!c->close_after && c->pending < 1024) {
    char *end = memmem(c->in + start, c->in_len - start, "\r\n\r\n", 4);
    if (!end) break;
    size_t head_len = (size_t)(end + 4 - (c->in + start));
    if (!c->decided) {
      c->size_class = wanted_size(c->in + start, head_len - 4);
      c->decided = 1;
    }
    if (wants_close(c->in + start, head_len - 4)) c->close_after = 1;
    c->pending++;
    start += head_len;
  }
  memmove(c->in, c->in + start, c->in_len - start);
  c->in_len -= start;
}

/* Fills iov with the pending responses (at most MAX_IOV), the first one from where
 * an earlier write stopped; returns how many. */
static unsigned fill_iov(const struct conn *c, struct iovec *iov) {
  unsigned n = c->pending < MAX_IOV ? c->pending : MAX_IOV;
  for (unsigned i = 0; i < n; i++) {
    int last_close = c->close_after && i == c->pending - 1;
    iov[i].iov_base = last_close ? close_response[c->size_class] : keep_alive_response[c->size_class];
    iov[i].iov_len = last_close ? close_len[c->size_class] : keep_alive_len[c->size_class];
  }
  iov[0].iov_base = (char *)iov[0].iov_base + c->offset;
  iov[0].iov_len -= c->offset;
  return n;
}

/* Counts `written` bytes of the n-entry iov as sent: whole responses leave pending. */
static void account_written(struct conn *c, const struct iovec *iov, unsigned n, size_t written) {
  for (unsigned i = 0; i < n && written > 0; i++) {
    if (written >= iov[i].iov_len) {
      written -= iov[i].iov_len;
      c->pending--;
      c->offset = 0;
    } else {
      c->offset += written;
      written = 0;
    }
  }
}

/* Writes the pending responses; returns 0 when all are out, 1 when the socket is
 * full, -1 on error. */
static int flush(int fd, struct conn *c) {
  while (c->pending > 0) {
    struct iovec iov[MAX_IOV];
    unsigned n = fill_iov(c, iov);
    ssize_t w = writev(fd, iov, (int)n);
    if (w < 0) return errno == EAGAIN ? 1 : -1;
    account_written(c, iov, n, (size_t)w);
  }
  return 0;
}

/* Answers what is buffered; returns 0 to keep the connection, -1 to close it. */
static int serve(int fd, struct conn *c) {
  for (;;) {
    parse_heads(c);
    int r = flush(fd, c);
    if (r < 0) return -1;
    if (r > 0) { /* socket full: wait for room, stop reading meanwhile */
      set_interest(fd, EPOLLOUT);
      return 0;
    }
    if (c->close_after) return -1;
    if (c->in_len == 0 || !memmem(c->in, c->in_len, "\r\n\r\n", 4)) return 0;
  }
}

static void on_readable(int fd) {
  struct conn *c = conns[fd];
  if (c->in_len == IN_SIZE) { /* a head larger than the buffer */
    close_conn(fd);
    return;
  }
  ssize_t n = read(fd, c->in + c->in_len, IN_SIZE - c->in_len);
  if (n <= 0) {
    if (n < 0 && errno == EAGAIN) return;
    close_conn(fd);
    return;
  }
  c->in_len += (size_t)n;
  if (serve(fd, c) < 0) close_conn(fd);
}

static void on_writable(int fd) {
  struct conn *c = conns[fd];
  int r = flush(fd, c);
  if (r < 0 || (r == 0 && c->close_after)) {
    close_conn(fd);
    return;
  }
  if (r > 0) return;
  set_interest(fd, EPOLLIN);
  if (serve(fd, c) < 0) close_conn(fd);
}

static void on_readable(int fd);

/* Makes conns[fd] a fresh connection; 0 when fd is out of range or memory is short. */
static int new_conn(int fd) {
  if ((size_t)fd >= max_fds || (!conns[fd] && !(conns[fd] = malloc(sizeof(struct conn)))))
    return 0;
  struct conn *c = conns[fd];
  c->open = 1;
  c->in_len = 0;
  c->pending = 0;
  c->offset = 0;
  c->close_after = 0;
  c->size_class = 0;
  c->decided = 0;
  c->receiving = c->sending = c->closing = 0;
  return 1;
}

static void on_accept(int lfd) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return;
      if (errno == EMFILE || errno == ENFILE) return; /* retried on the next wake-up */
      die("accept4");
    }
    if (!new_conn(fd)) {
      close(fd);
      continue;
    }
    /* One writev per response (or per batch): Nagle never holds one back. */
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl ADD");
    on_readable(fd); /* deferred accept: the request is usually there already */
  }
}

/* --uring: the same connections driven by io_uring. A completion's user data is the
 * descriptor shifted left by 2 and the operation in the low bits. */
enum { OP_ACCEPT = 0, OP_RECV = 1, OP_SEND = 2 };
static struct io_uring ring;

static struct io_uring_sqe *next_sqe(int fd, int op) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
  if (!sqe) { /* the submission queue is full: hand it to the kernel first */
    io_uring_submit(&ring);
    sqe = io_uring_get_sqe(&ring);
  }
  if (!sqe) die("io_uring_get_sqe");
  io_uring_sqe_set_data64(sqe, ((uint64_t)fd << 2) | (uint64_t)op);
  return sqe;
}

static void post_accept(int lfd) {
  io_uring_prep_multishot_accept(next_sqe(lfd, OP_ACCEPT), lfd, NULL, NULL, SOCK_CLOEXEC);
}

static void post_recv(int fd, struct conn *c) {
  io_uring_prep_recv(next_sqe(fd, OP_RECV), fd, c->in + c->in_len, IN_SIZE - c->in_len, 0);
  c->receiving = 1;
}

static void post_send(int fd, struct conn *c) {
  memset(&c->msg, 0, sizeof c->msg);
  c->msg.msg_iov = c->iov;
  c->msg.msg_iovlen = fill_iov(c, c->iov);
  io_uring_prep_sendmsg(next_sqe(fd, OP_SEND), fd, &c->msg, MSG_NOSIGNAL);
  c->sending = 1;
}

/* Closes fd once nothing is in flight on it (a pending recv is ended by shutdown), so
 * no completion ever names a descriptor number that was given to a new connection. */
static void close_when_idle(int fd, struct conn *c) {
  if (c->receiving) {
    if (!c->closing) shutdown(fd, SHUT_RDWR);
    c->closing = 1;
    return;
  }
  c->closing = 1;
  if (!c->sending) close_conn(fd);
}

static void on_recv_done(int fd, struct conn *c, int res) {
  c->receiving = 0;
  if (c->closing || res <= 0) {
    close_when_idle(fd, c);
    return;
  }
  c->in_len += (size_t)res;
  parse_heads(c);
  if (c->pending > 0 && !c->sending) post_send(fd, c);
  if (c->close_after) return; /* closed once its response is out */
  if (c->in_len == IN_SIZE) {   /* a head larger than the buffer */
    close_when_idle(fd, c);
    return;
  }
  post_recv(fd, c);
}

static void on_send_done(int fd, struct conn *c, int res) {
  c->sending = 0;
  if (c->closing || res < 0) {
    close_when_idle(fd, c);
    return;
  }
  account_written(c, c->iov, (unsigned)c->msg.msg_iovlen, (size_t)res);
  if (c->pending > 0) {
    post_send(fd, c);
  } else if (c->close_after) {
    close_when_idle(fd, c);
  }
}

static void run_uring(int lfd) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  p.cq_entries = 65536;
  int r = io_uring_queue_init_params(4096, &ring, &p);
  if (r == -EINVAL) { /* a kernel before 6.1: no DEFER_TASKRUN */
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = 65536;
    r = io_uring_queue_init_params(4096, &ring, &p);
  }
  if (r < 0) {
    errno = -r;
    die("io_uring_queue_init_params");
  }
  post_accept(lfd);
  for (;;) {
    r = io_uring_submit_and_wait(&ring, 1);
    if (r < 0 && r != -EINTR) {
      errno = -r;
      die("io_uring_submit_and_wait");
    }
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      seen++;
      const int fd = (int)(cqe->user_data >> 2), res = cqe->res;
      switch (cqe->user_data & 3) {
        case OP_ACCEPT:
          if (res >= 0) {
            if (new_conn(res))
              post_recv(res, conns[res]); /* deferred accept: the request is there */
            else
              close(res);
          }
          if (!(cqe->flags & IORING_CQE_F_MORE)) post_accept(lfd);
          break;
        case OP_RECV:
          on_recv_done(fd, conns[fd], res);
          break;
        case OP_SEND:
          on_send_done(fd, conns[fd], res);
          break;
      }
    }
    io_uring_cq_advance(&ring, seen);
  }
}

int main(int argc, char **argv) {
  const int uring = argc == 4 && strcmp(argv[1], "--uring") == 0;
  if (argc != 3 && !uring) {
    fprintf(stderr, "usage: %s [--uring] ADDRESS PORT\n", argv[0]);
    return 2;
  }
  if (uring) argv++;
  signal(SIGPIPE, SIG_IGN);
  build_responses();
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0) die("getrlimit");
  max_fds = rl.rlim_cur == RLIM_INFINITY ? 1048576 : (size_t)rl.rlim_cur;
  conns = calloc(max_fds, sizeof *conns);
  if (!conns) die("calloc");

  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "%s: not an IPv4 address: %s\n", argv[0], argv[1]);
    return 2;
  }
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) die("socket");
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  /* As h2o and httpd's AcceptFilter do: accept only once the request has arrived. */
  if (setsockopt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof one) < 0)
    die("setsockopt TCP_DEFER_ACCEPT");
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  if (listen(lfd, 4096) < 0) die("listen");
  if (uring) run_uring(lfd);

  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) < 0) die("epoll_ctl ADD listener");

  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == lfd) {
        on_accept(lfd);
      } else if (conns[fd] && conns[fd]->open) { /* an earlier event may have closed it */
        if (events[i].events & EPOLLOUT)
          on_writable(fd);
        else
          on_readable(fd); /* EPOLLIN, EPOLLHUP, EPOLLERR: read finds out */
      }
    }
  }
}
