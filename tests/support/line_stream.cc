#include "tests/support/line_stream.h"

#include <openssl/err.h>
#include <pthread.h>
#include <sys/socket.h>

#include <array>
#include <csignal>

#include "tests/support/tls_test_cert.h"

namespace slotwise::testing {

bool LineStream::next(std::string& line) {
  while (true) {
    const std::size_t end = buf_.find("\r\n");
    if (end != std::string::npos) {
      line = buf_.substr(0, end);
      buf_.erase(0, end + 2);
      return true;
    }
    std::array<char, 8192> chunk{};
    const long n = read_some(chunk.data(), chunk.size());
    if (n <= 0) return false;
    buf_.append(chunk.data(), static_cast<std::size_t>(n));
  }
}

long LineStream::read_some(char* buf, std::size_t n) {
  if (ssl_ == nullptr) return ::recv(fd_, buf, n, 0);
  std::size_t got = 0;
  if (SSL_read_ex(ssl_.get(), buf, n, &got) != 1) return -1;
  return static_cast<long>(got);
}

bool LineStream::send(const std::string& s) {
  std::size_t at = 0;
  while (at < s.size()) {
    if (ssl_ != nullptr) {
      std::size_t n = 0;
      if (SSL_write_ex(ssl_.get(), s.data() + at, s.size() - at, &n) != 1) return false;
      at += n;
    } else {
      const ssize_t n = ::send(fd_, s.data() + at, s.size() - at, MSG_NOSIGNAL);
      if (n <= 0) return false;
      at += static_cast<std::size_t>(n);
    }
  }
  return true;
}

bool LineStream::start_tls(SSL_CTX* ctx) {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  buf_.clear();
  ERR_clear_error();
  std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(ctx));
  if (ssl == nullptr || SSL_set_fd(ssl.get(), fd_) != 1) {
    tls_error_ = openssl_errors("SSL_new failed");
    return false;
  }
  const int rc = SSL_accept(ssl.get());
  if (rc != 1) {
    const int why = SSL_get_error(ssl.get(), rc);
    tls_error_ = openssl_errors("SSL_accept failed (SSL_get_error " + std::to_string(why) + ")");
    return false;
  }
  ssl_ = std::move(ssl);
  return true;
}

}  // namespace slotwise::testing
