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

#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool send_all(int fd, const std::string& s) {
  std::size_t at = 0;
  while (at < s.size()) {
    const ssize_t n = ::send(fd, s.data() + at, s.size() - at, MSG_NOSIGNAL);
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

std::string address_in(const std::string& line) {
  const std::size_t open = line.find('<');
  const std::size_t close = line.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

}  // namespace

// Reads CRLF-terminated lines from a socket.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  // One line without its CRLF; false on EOF or error.
  bool next(std::string& line) {
    while (true) {
      const std::size_t end = buf_.find("\r\n");
      if (end != std::string::npos) {
        line = buf_.substr(0, end);
        buf_.erase(0, end + 2);
        return true;
      }
      std::array<char, 8192> chunk{};
      const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (n <= 0) return false;
      buf_.append(chunk.data(), static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buf_;
};

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

FakeSmtpServer::FakeSmtpServer() {
  if (::pipe(wake_.data()) != 0) throw std::runtime_error("pipe() failed");
  port_ = free_port();
  listen_on(port_);
}

FakeSmtpServer::~FakeSmtpServer() {
  stop_all();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void FakeSmtpServer::listen_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("fake SMTP: cannot listen on port " + std::to_string(port));
  }
  listen_fd_ = fd;
  acceptor_ = std::thread([this, fd] { accept_loop(fd); });
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
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

namespace {

// Reads DATA lines up to the lone "." into `data`, dot-unstuffed; false when
// the connection ended first.
bool read_data(LineReader& in, std::string& data) {
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

bool FakeSmtpServer::data(int fd, LineReader& in, ReceivedMail& mail) {
  if (mail.to.empty()) return send_all(fd, "554 5.5.1 no valid recipients\r\n");
  if (!send_all(fd, "354 End data with <CR><LF>.<CR><LF>\r\n")) return false;
  if (!read_data(in, mail.data)) return false;
  if (transient_.load()) {
    mail = ReceivedMail{};
    return send_all(fd, "451 4.3.0 try again later\r\n");
  }
  {
    const std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(std::move(mail));
  }
  mail = ReceivedMail{};
  cv_.notify_all();
  return send_all(fd, "250 OK queued\r\n");
}

void FakeSmtpServer::serve(int fd) {
  LineReader in(fd);
  std::string line;
  ReceivedMail mail;
  bool ok = send_all(fd, "220 fake-smtp ESMTP ready\r\n");
  while (ok && in.next(line)) {
    const std::string verb = lower(line.substr(0, 4));
    if (verb == "ehlo") {
      ok = send_all(fd, "250-fake-smtp\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n");
    } else if (verb == "helo" || verb == "noop") {
      ok = send_all(fd, "250 OK\r\n");
    } else if (verb == "rset" || verb == "mail") {
      mail = ReceivedMail{};
      mail.from = address_in(line);
      ok = send_all(fd, "250 OK\r\n");
    } else if (verb == "rcpt") {
      ok = send_all(fd, rcpt(line, mail));
    } else if (verb == "data") {
      ok = data(fd, in, mail);
    } else if (verb == "quit") {
      (void)send_all(fd, "221 bye\r\n");
      break;
    } else {
      ok = send_all(fd, "502 5.5.2 command not implemented\r\n");
    }
  }
  const std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.erase(fd) > 0) ::close(fd);
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

void FakeSmtpServer::go_down() { stop_all(); }

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

}  // namespace slotwise::testing
