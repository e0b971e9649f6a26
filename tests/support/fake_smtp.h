// FakeSmtpServer: a small SMTP server on a loopback port for tests and
// benchmarks that speaks real SMTP (RFC 5321: greeting, EHLO/HELO, MAIL,
// RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and records every
// accepted message. It can be told to answer 451 to DATA (transient), 550
// to chosen recipients (permanent), or to be down (listener closed and open
// sessions dropped: connections are refused) and come back on the same port.
//
// Thread safety: all members may be called from any thread; one thread
// accepts and one thread serves each connection.
// Errors: the constructor and come_up() throw std::runtime_error when the
// port cannot be bound (test boundary).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace slotwise::testing {

struct ReceivedMail {
  std::string from;
  std::vector<std::string> to;
  std::string data;  // the message as received, dot-unstuffed, CRLF line ends

  // The first header named `name` (case-insensitive), unfolded; "" when absent.
  [[nodiscard]] std::string header(const std::string& name) const;
  [[nodiscard]] std::string message_id() const { return header("Message-ID"); }
};

class LineReader;

class FakeSmtpServer {
 public:
  FakeSmtpServer();
  ~FakeSmtpServer();
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;
  FakeSmtpServer(FakeSmtpServer&&) = delete;
  FakeSmtpServer& operator=(FakeSmtpServer&&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // 451 to every DATA while on.
  void set_transient_failure(bool on) { transient_.store(on); }
  // 550 to RCPT TO:<address>.
  void reject_recipient(const std::string& address);
  // Closes the listener and drops open sessions (connections are refused).
  void go_down();
  // Listens again on the same port.
  void come_up();

  [[nodiscard]] std::vector<ReceivedMail> messages() const;
  [[nodiscard]] std::size_t count() const;
  // Message-ID -> how many times it arrived.
  [[nodiscard]] std::map<std::string, int> count_by_message_id() const;
  // Waits until at least `n` messages arrived (or the timeout passed).
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  void listen_on(int port);
  void accept_loop(int listen_fd);
  void serve(int fd);
  // The reply to one RCPT command (recording the recipient when accepted).
  std::string rcpt(const std::string& line, ReceivedMail& mail);
  // DATA: reads the message and records it (or answers 451); false when the
  // connection is gone.
  bool data(int fd, LineReader& in, ReceivedMail& mail);
  void stop_all();

  int port_ = 0;
  std::atomic<bool> transient_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::set<std::string> rejected_;
  std::vector<ReceivedMail> messages_;
  std::set<int> sessions_;  // open connection fds
  int listen_fd_ = -1;
  std::array<int, 2> wake_{-1, -1};  // self-pipe that ends the accept loop
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace slotwise::testing
