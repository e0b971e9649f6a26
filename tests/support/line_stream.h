// LineStream: one server-side connection of a test server, plain at first
// and TLS after start_tls() (STARTTLS, RFC 3207), read as CRLF-terminated
// lines and written as whole strings, whichever the transport. The socket
// stays owned by the caller (who may shutdown() it from another thread to
// end a blocked read); the TLS session is owned here.
//
// Thread safety: one thread per stream (the connection's serving thread).
// start_tls() blocks SIGPIPE in that thread: OpenSSL writes to the socket
// with write(), and a client that hangs up must not kill the test program.
// Errors: reads and writes return false when the connection is gone;
// start_tls() returns false with the reason in tls_error().
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>

namespace slotwise::testing {

class LineStream {
 public:
  explicit LineStream(int fd) : fd_(fd) {}

  // One line without its CRLF; false on EOF or error.
  bool next(std::string& line);
  // Writes all of `s`; false when the connection is gone.
  bool send(const std::string& s);
  // Server side of a TLS handshake on this connection. Input that arrived
  // before it is discarded (RFC 3207 section 4.2: nothing sent in clear may
  // be taken as a command after the handshake).
  bool start_tls(SSL_CTX* ctx);
  [[nodiscard]] bool tls() const { return ssl_ != nullptr; }
  [[nodiscard]] const std::string& tls_error() const { return tls_error_; }

 private:
  struct SslDeleter {
    void operator()(SSL* s) const { SSL_free(s); }
  };
  // Up to `n` bytes into `buf`; <= 0 on EOF or error.
  long read_some(char* buf, std::size_t n);

  int fd_;
  std::string buf_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
  std::string tls_error_;
};

}  // namespace slotwise::testing
