#include "tests/support/fake_smtp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "tests/support/line_stream.h"
#include "tests/support/smtp_auth.h"
#include "tests/support/tls_test_cert.h"

namespace slotwise::testing {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A command's verb (up to the first space), upper case.
std::string verb_of(const std::string& line) {
  std::string verb = line.substr(0, line.find(' '));
  std::transform(verb.begin(), verb.end(), verb.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return verb;
}

std::string address_in(const std::string& line) {
  const std::size_t open = line.find('<');
  const std::size_t close = line.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

}  // namespace

std::string ReceivedMail::header(const std::string& name) const {
  const std::string want = lower(name) + ":";
  std::size_t at = 0;
  while (at < data.size()) {
    std::size_t end = data.find("\r\n", at);
    if (end == std::string::npos) end = data.size();
    if (end == at) break;  // end of headers
    if (lower(data.substr(at, want.size())) == want) {
      std::string value = data.substr(at + want.size(), end - at - want.size());
      // Unfold continuation lines.
      while (end + 2 < data.size() && (data[end + 2] == ' ' || data[end + 2] == '\t')) {
        const std::size_t next = data.find("\r\n", end + 2);
        value += data.substr(end + 2, (next == std::string::npos ? data.size() : next) - end - 2);
        end = next == std::string::npos ? data.size() : next;
      }
      const std::size_t first = value.find_first_not_of(" \t");
      return first == std::string::npos ? std::string() : value.substr(first);
    }
    at = end + 2;
  }
  return {};
}

bool SmtpSession::saw(const std::string& verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

FakeSmtpServer::FakeSmtpServer(FakeSmtpOptions options) : options_(std::move(options)) {
  if (options_.starttls) {
    const TlsTestCert cert = make_test_cert();
    tls_ = std::make_unique<TlsServerContext>(cert);
    cert_dir_ = std::make_unique<TempDir>("slotwise-fake-smtp");
    ca_file_ = cert_dir_->path() + "/localhost.pem";
    write_text_file(ca_file_, cert.cert_pem);
  }
  if (::pipe(wake_.data()) != 0) throw std::runtime_error("pipe() failed");
  port_ = free_port();
  listen_on(port_);
}

FakeSmtpServer::~FakeSmtpServer() {
  stop_all();
  if (reserve_fd_ >= 0) ::close(reserve_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

int FakeSmtpServer::bound_socket(int port, bool listener) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  // SO_REUSEPORT on both of our sockets lets the reserving socket and the
  // listener hold the port together across go_down()/come_up(), with no
  // moment in which it is free. Only the listener sets SO_REUSEADDR: Linux
  // lets two SO_REUSEADDR sockets share a port that nobody listens on, so a
  // reserving socket with it would not keep out a server that sets it too
  // (nats-server and PostgreSQL do).
  const int one = 1;
  if (listener) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in addr = loopback_address(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("fake SMTP: cannot bind port " + std::to_string(port));
  }
  return fd;
}

void FakeSmtpServer::listen_on(int port) {
  const int fd = bound_socket(port, /*listener=*/true);
  if (::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("fake SMTP: cannot listen on port " + std::to_string(port));
  }
  listen_fd_ = fd;
  acceptor_ = std::thread([this, fd] { accept_loop(fd); });
  if (reserve_fd_ >= 0) {
    ::close(reserve_fd_);
    reserve_fd_ = -1;
  }
}

void FakeSmtpServer::accept_loop(int listen_fd) {
  while (true) {
    std::array<pollfd, 2> fds{{{listen_fd, POLLIN, 0}, {wake_[0], POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if ((fds[1].revents & POLLIN) != 0) {
      char c = 0;
      (void)::read(wake_[0], &c, 1);
      return;
    }
    const int fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd < 0) continue;
    const std::lock_guard<std::mutex> lock(mu_);
    sessions_.insert(fd);
    session_log_.emplace_back();
    workers_.emplace_back([this, fd, id = session_log_.size() - 1] { serve(fd, id); });
  }
}

namespace {

// Reads DATA lines up to the lone "." into `data`, dot-unstuffed; false when
// the connection ended first.
bool read_data(LineStream& in, std::string& data) {
  std::string line;
  while (in.next(line)) {
    if (line == ".") return true;
    if (!line.empty() && line[0] == '.') line.erase(0, 1);
    data += line;
    data += "\r\n";
  }
  return false;
}

}  // namespace

std::string FakeSmtpServer::rcpt(const std::string& line, ReceivedMail& mail) {
  const std::string to = address_in(line);
  {
    const std::lock_guard<std::mutex> lock(mu_);
    if (rejected_.contains(to)) return "550 5.1.1 <" + to + ">: recipient rejected\r\n";
  }
  mail.to.push_back(to);
  return "250 OK\r\n";
}

bool FakeSmtpServer::data(LineStream& io, ReceivedMail& mail) {
  if (mail.to.empty()) return io.send("554 5.5.1 no valid recipients\r\n");
  if (!io.send("354 End data with <CR><LF>.<CR><LF>\r\n")) return false;
  if (!read_data(io, mail.data)) return false;
  if (transient_.load()) {
    mail = ReceivedMail{};
    return io.send("451 4.3.0 try again later\r\n");
  }
  {
    const std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(std::move(mail));
  }
  mail = ReceivedMail{};
  cv_.notify_all();
  return io.send("250 OK queued\r\n");
}

std::string FakeSmtpServer::ehlo_reply(bool tls) const {
  std::string reply = "250-fake-smtp\r\n250-8BITMIME\r\n";
  if (tls_ != nullptr && !tls) reply += "250-STARTTLS\r\n";
  if (!options_.username.empty() && !options_.auth_mechanisms.empty()) {
    reply += "250-AUTH";
    for (const std::string& m : options_.auth_mechanisms) reply += " " + m;
    reply += "\r\n";
  }
  return reply + "250 SIZE 52428800\r\n";
}

bool FakeSmtpServer::starttls(LineStream& io, std::size_t session) {
  if (tls_ == nullptr) return io.send("502 5.5.2 command not implemented\r\n");
  if (io.tls()) return io.send("503 5.5.1 TLS already active\r\n");
  if (!io.send("220 2.0.0 ready to start TLS\r\n")) return false;
  const bool ok = io.start_tls(tls_->get());
  const std::lock_guard<std::mutex> lock(mu_);
  session_log_[session].tls = ok;
  session_log_[session].tls_error = io.tls_error();
  return ok;
}

bool FakeSmtpServer::auth(LineStream& io, const std::string& line, std::size_t session,
                          bool& authenticated) {
  if (options_.username.empty()) return io.send("502 5.5.2 command not implemented\r\n");
  if (authenticated) return io.send("503 5.5.1 already authenticated\r\n");
  const std::size_t space = line.find(' ');
  const SaslOutcome sasl =
      read_sasl(io, space == std::string::npos ? std::string() : line.substr(space + 1),
                options_.auth_mechanisms);
  if (!sasl.connected) return false;
  if (!sasl.ok) return io.send(sasl.reply);
  if (sasl.user != options_.username || sasl.password != options_.password) {
    return io.send("535 5.7.8 authentication credentials invalid\r\n");
  }
  authenticated = true;
  {
    const std::lock_guard<std::mutex> lock(mu_);
    session_log_[session].auth_mechanism = sasl.mechanism;
    session_log_[session].user = sasl.user;
  }
  return io.send("235 2.7.0 authentication successful\r\n");
}

void FakeSmtpServer::converse(LineStream& io, std::size_t session) {
  std::string line;
  ReceivedMail mail;
  bool authenticated = false;
  bool ok = io.send("220 fake-smtp ESMTP ready\r\n");
  while (ok && io.next(line)) {
    const std::string verb = verb_of(line);
    {
      const std::lock_guard<std::mutex> lock(mu_);
      session_log_[session].verbs.push_back(verb);
    }
    if (verb == "EHLO") {
      ok = io.send(ehlo_reply(io.tls()));
    } else if (verb == "HELO" || verb == "NOOP") {
      ok = io.send("250 OK\r\n");
    } else if (verb == "STARTTLS") {
      ok = starttls(io, session);
      mail = ReceivedMail{};  // RFC 3207 section 4.2: forget the clear-text session
      authenticated = false;
    } else if (verb == "AUTH") {
      ok = auth(io, line, session, authenticated);
    } else if (verb == "MAIL" && !options_.username.empty() && !authenticated) {
      ok = io.send("530 5.7.0 authentication required\r\n");
    } else if (verb == "RSET" || verb == "MAIL") {
      mail = ReceivedMail{};
      mail.from = address_in(line);
      ok = io.send("250 OK\r\n");
    } else if (verb == "RCPT") {
      ok = io.send(rcpt(line, mail));
    } else if (verb == "DATA") {
      ok = data(io, mail);
    } else if (verb == "QUIT") {
      (void)io.send("221 bye\r\n");
      break;
    } else {
      ok = io.send("502 5.5.2 command not implemented\r\n");
    }
  }
}

void FakeSmtpServer::serve(int fd, std::size_t session) {
  {
    LineStream io(fd);
    converse(io, session);
  }  // the TLS session is freed before its socket is closed
  {
    const std::lock_guard<std::mutex> lock(mu_);
    if (sessions_.erase(fd) > 0) ::close(fd);
    session_log_[session].closed = true;
  }
  cv_.notify_all();
}

void FakeSmtpServer::reject_recipient(const std::string& address) {
  const std::lock_guard<std::mutex> lock(mu_);
  rejected_.insert(address);
}

void FakeSmtpServer::stop_all() {
  if (listen_fd_ >= 0) {
    (void)::write(wake_[1], "x", 1);
    if (acceptor_.joinable()) acceptor_.join();
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  std::vector<std::thread> workers;
  {
    const std::lock_guard<std::mutex> lock(mu_);
    for (const int fd : sessions_) ::shutdown(fd, SHUT_RDWR);
    workers.swap(workers_);
  }
  for (auto& t : workers) {
    if (t.joinable()) t.join();
  }
}

void FakeSmtpServer::go_down() {
  // Reserve first, then close the listener: the port is never free.
  if (reserve_fd_ < 0 && listen_fd_ >= 0) reserve_fd_ = bound_socket(port_, /*listener=*/false);
  stop_all();
}

void FakeSmtpServer::come_up() {
  if (listen_fd_ < 0) listen_on(port_);
}

std::vector<ReceivedMail> FakeSmtpServer::messages() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::size_t FakeSmtpServer::count() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return messages_.size();
}

std::map<std::string, int> FakeSmtpServer::count_by_message_id() const {
  std::map<std::string, int> out;
  for (const ReceivedMail& m : messages()) ++out[m.message_id()];
  return out;
}

bool FakeSmtpServer::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
}

std::vector<SmtpSession> FakeSmtpServer::sessions() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return session_log_;
}

bool FakeSmtpServer::wait_sessions_closed(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] {
    return session_log_.size() >= n && std::all_of(session_log_.begin(), session_log_.end(),
                                                   [](const SmtpSession& s) { return s.closed; });
  });
}

}  // namespace slotwise::testing
