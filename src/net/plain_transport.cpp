#include "net/plain_transport.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "net/raw_io.h"

namespace tern {

namespace {

constexpr size_t kMaxSendfile = size_t{1} << 30;

// The result of a failed call: would-block or an error with errno.
IoResult failed(int err) {
  if (err == EAGAIN || err == EWOULDBLOCK) return IoResult{IoStatus::kWouldBlock, 0, 0};
  return IoResult{IoStatus::kError, 0, err};
}

class PlainFactory final : public TransportFactory {
 public:
  Transport& make(TransportSlot& slot, UniqueFd fd, const sockaddr* peer,
                  const sockaddr* local) const override {
    return slot.emplace<PlainTransport>(std::move(fd), peer, local);
  }
};

}  // namespace

IoResult PlainTransport::read(std::span<char> buf) {
  for (;;) {
    ssize_t n = raw_io::read(fd_.get(), buf.data(), buf.size());
    if (n > 0) return IoResult{IoStatus::kOk, static_cast<size_t>(n), 0};
    if (n == 0) return IoResult{buf.empty() ? IoStatus::kOk : IoStatus::kEof, 0, 0};
    if (errno != EINTR) return failed(errno);
  }
}

IoResult PlainTransport::writev(std::span<const iovec> iov, bool more) {
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(iov.data());  // sendmsg does not write through it
  msg.msg_iovlen = iov.size();
  const int flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0);
  for (;;) {
    ssize_t n = raw_io::sendmsg(fd_.get(), &msg, flags);
    if (n >= 0) return IoResult{IoStatus::kOk, static_cast<size_t>(n), 0};
    if (errno != EINTR) return failed(errno);
  }
}

IoResult PlainTransport::send_file(int file_fd, uint64_t offset, size_t len) {
  auto off = static_cast<off_t>(offset);
  for (;;) {
    ssize_t n = raw_io::sendfile(fd_.get(), file_fd, &off, std::min(len, kMaxSendfile));
    if (n > 0) return IoResult{IoStatus::kOk, static_cast<size_t>(n), 0};
    if (n == 0) return IoResult{len == 0 ? IoStatus::kOk : IoStatus::kEof, 0, 0};
    if (errno != EINTR) return failed(errno);
  }
}

void PlainTransport::shutdown_write() {
  ::shutdown(fd_.get(), SHUT_WR);
}

bool PlainTransport::has_unread_input() const {
  int unread = 0;
  return ::ioctl(fd_.get(), FIONREAD, &unread) != 0 || unread > 0;
}

const TransportFactory& plain_transport_factory() {
  static const PlainFactory factory;
  return factory;
}

}  // namespace tern
