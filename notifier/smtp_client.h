// SmtpClient: sends one ready MIME message over SMTP with libcurl
// (smtp:// or smtps://; STARTTLS off / opportunistic / required; optional
// AUTH). The curl easy handle is owned (RAII) and reused, so consecutive
// sends keep one SMTP connection open.
//
// STARTTLS "try" is opportunistic only without credentials: with AUTH
// configured it requires TLS, so the password is never sent in clear.
//
// Reply classification: a 5xx reply (to MAIL, RCPT, DATA or AUTH) is a
// permanent failure; everything else that fails (connection refused or
// lost, timeouts, 4xx) is transient and worth retrying.
//
// Thread safety: one client per thread.
// Errors: DeliveryError (delivery_error.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "notifier/delivery_error.h"

namespace slotwise::notifier {

enum class StartTls { kOff, kTry, kRequired };

struct SmtpOptions {
  std::string url;  // smtp://host:port or smtps://host:port; empty: email off
  StartTls starttls = StartTls::kOff;
  std::string username;  // AUTH when not empty
  std::string password;
  std::string ca_file;  // extra CA bundle for TLS; empty: system default
  bool verify_peer = true;
  std::string helo_domain = "slotwise.localhost";
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
};

class SmtpClient {
 public:
  explicit SmtpClient(SmtpOptions options);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;
  SmtpClient(SmtpClient&&) = delete;
  SmtpClient& operator=(SmtpClient&&) = delete;

  // `from` and `to` are bare addresses; `message` is the whole MIME text.
  [[nodiscard]] DeliveryResult send(const std::string& from, const std::string& to,
                                    const std::string& message);

 private:
  struct Handle;
  SmtpOptions options_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace slotwise::notifier
