// The fake SMTP server's outage: while down it refuses connections and keeps
// its port, so nothing else on the machine can take the port before it comes
// back (ctest runs tests side by side, each asking the kernel for free ports).
#include "tests/support/fake_smtp.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

// 0 when a TCP connection to the port is accepted, else connect()'s errno.
int connect_errno(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  const sockaddr_in addr = loopback_address(port);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

// 0 when a socket with SO_REUSEADDR (as nats-server and PostgreSQL set it)
// can bind the port, else bind()'s errno.
int bind_errno(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in addr = loopback_address(port);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace

TEST_CASE("a fake SMTP server that is down refuses connections but keeps its port") {
  FakeSmtpServer smtp;
  const int port = smtp.port();
  CHECK(connect_errno(port) == 0);

  smtp.go_down();
  CHECK(connect_errno(port) == ECONNREFUSED);
  CHECK(bind_errno(port) == EADDRINUSE);
  smtp.go_down();  // a second outage while down changes nothing
  CHECK(connect_errno(port) == ECONNREFUSED);

  smtp.come_up();
  CHECK(smtp.port() == port);
  CHECK(connect_errno(port) == 0);
  CHECK(bind_errno(port) == EADDRINUSE);
}

TEST_CASE("a fake SMTP server's port is free again once it is destroyed") {
  int port = 0;
  {
    FakeSmtpServer smtp;
    port = smtp.port();
    smtp.go_down();
  }
  CHECK(connect_errno(port) == ECONNREFUSED);
  CHECK(bind_errno(port) == 0);
}

}  // namespace slotwise::testing
