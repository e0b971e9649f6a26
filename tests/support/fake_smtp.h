// FakeSmtpServer: a small SMTP server on a loopback port for tests and
// benchmarks that speaks real SMTP (RFC 5321: greeting, EHLO/HELO, MAIL,
// RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and records every
// accepted message. It can be told to answer 451 to DATA (transient), 550
// to chosen recipients (permanent), or to be down (listener closed and open
// sessions dropped: connections are refused) and come back on the same port.
// While down it keeps the port bound by a socket that does not listen (the
// kernel refuses connections to it), so no other process on the machine can
// be handed the port in the meantime and come_up() cannot fail for that.
//
// Optionally (FakeSmtpOptions; all off by default) it advertises and performs
// STARTTLS (RFC 3207) with a self-signed certificate for localhost and
// 127.0.0.1 made at construction (ca_file() is its PEM, for the client's CA
// file), and requires AUTH PLAIN or LOGIN (RFC 4954): 235 for the configured
// credentials, 535 for others, 530 to MAIL before AUTH. Every connection is
// recorded as an SmtpSession (command verbs in order, TLS, authenticated user)
// so tests can assert what a client did and did not send.
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
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace slotwise::testing {

struct ReceivedMail {
  std::string from;
  std::vector<std::string> to;
  std::string data;  // the message as received, dot-unstuffed, CRLF line ends

  // The first header named `name` (case-insensitive), unfolded; "" when absent.
  [[nodiscard]] std::string header(const std::string& name) const;
  [[nodiscard]] std::string message_id() const { return header("Message-ID"); }
};

struct FakeSmtpOptions {
  bool starttls = false;  // advertise STARTTLS and perform the handshake
  std::string username;   // not empty: AUTH required before MAIL
  std::string password;
  std::vector<std::string> auth_mechanisms{"PLAIN", "LOGIN"};  // advertised
};

// What one connection did, as the server saw it.
struct SmtpSession {
  std::vector<std::string> verbs;  // each command's verb, upper case; no arguments
  bool tls = false;                // the STARTTLS handshake completed
  std::string tls_error;           // why it failed; "" when it did not
  std::string auth_mechanism;      // of the successful AUTH; "" when none
  std::string user;                // the authenticated user; "" when none
  bool closed = false;             // the connection has ended
  // True when the client sent `verb` (upper case) on this connection.
  [[nodiscard]] bool saw(const std::string& verb) const;
};

class LineStream;
class TlsServerContext;

class FakeSmtpServer {
 public:
  FakeSmtpServer() : FakeSmtpServer(FakeSmtpOptions{}) {}
  explicit FakeSmtpServer(FakeSmtpOptions options);
  ~FakeSmtpServer();
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;
  FakeSmtpServer(FakeSmtpServer&&) = delete;
  FakeSmtpServer& operator=(FakeSmtpServer&&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // The server certificate's PEM file (a CA file for clients); "" without
  // STARTTLS.
  [[nodiscard]] const std::string& ca_file() const { return ca_file_; }

  // 451 to every DATA while on.
  void set_transient_failure(bool on) { transient_.store(on); }
  // 550 to RCPT TO:<address>.
  void reject_recipient(const std::string& address);
  // Closes the listener and drops open sessions (connections are refused);
  // the port stays reserved for come_up().
  void go_down();
  // Listens again on the same port.
  void come_up();

  [[nodiscard]] std::vector<ReceivedMail> messages() const;
  [[nodiscard]] std::size_t count() const;
  // Message-ID -> how many times it arrived.
  [[nodiscard]] std::map<std::string, int> count_by_message_id() const;
  // Waits until at least `n` messages arrived (or the timeout passed).
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;
  // Every connection so far, in the order they were accepted.
  [[nodiscard]] std::vector<SmtpSession> sessions() const;
  // Waits until at least `n` connections were accepted and all accepted ones
  // have ended (or the timeout passed).
  bool wait_sessions_closed(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  void listen_on(int port);
  // A socket bound to `port` that shares it (SO_REUSEPORT) between the
  // listener and the socket that reserves the port while down.
  [[nodiscard]] static int bound_socket(int port, bool listener);
  void accept_loop(int listen_fd);
  void serve(int fd, std::size_t session);
  // Serves commands on `io` until QUIT or the connection ends.
  void converse(LineStream& io, std::size_t session);
  // The EHLO reply: extensions depend on the options and on TLS.
  [[nodiscard]] std::string ehlo_reply(bool tls) const;
  // The reply to one RCPT command (recording the recipient when accepted).
  std::string rcpt(const std::string& line, ReceivedMail& mail);
  // DATA: reads the message and records it (or answers 451); false when the
  // connection is gone.
  bool data(LineStream& io, ReceivedMail& mail);
  // STARTTLS: 220, then the handshake; false when the session must end.
  bool starttls(LineStream& io, std::size_t session);
  // AUTH: the SASL exchange, then 235 or 535 (recording the user); false
  // when the connection is gone.
  bool auth(LineStream& io, const std::string& line, std::size_t session, bool& authenticated);
  void stop_all();

  FakeSmtpOptions options_;
  std::unique_ptr<TempDir> cert_dir_;      // holds ca_file_ when STARTTLS is on
  std::unique_ptr<TlsServerContext> tls_;  // null without STARTTLS
  std::string ca_file_;
  int port_ = 0;
  std::atomic<bool> transient_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::set<std::string> rejected_;
  std::vector<ReceivedMail> messages_;
  std::vector<SmtpSession> session_log_;
  std::set<int> sessions_;  // open connection fds
  int listen_fd_ = -1;
  int reserve_fd_ = -1;              // bound, not listening: holds port_ while down
  std::array<int, 2> wake_{-1, -1};  // self-pipe that ends the accept loop
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace slotwise::testing
