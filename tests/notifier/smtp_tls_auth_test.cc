// The SMTP client's STARTTLS, CA file, skip-verify and AUTH options against
// the fake SMTP server's optional STARTTLS (a self-signed certificate made at
// fixture start) and required AUTH: what arrives, what the client reports,
// and what the server saw on the connection (TLS, user, command verbs).
// Each send uses its own client, destroyed before the checks, so the
// server's record of the connection is final (wait_sessions_closed).
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "notifier/notifier_config.h"
#include "notifier/smtp_client.h"
#include "service/config.h"
#include "tests/support/fake_smtp.h"
#include "tests/support/process.h"
#include "tests/support/tls_test_cert.h"

namespace slotwise::testing {
namespace {

using notifier::DeliveryResult;
using notifier::SmtpClient;
using notifier::SmtpOptions;
using notifier::StartTls;

// Only guards against a hung test; every outcome is decided by the protocol.
constexpr std::chrono::seconds kHangGuard{30};
const std::string kUser = "mailer@slotwise.test";
const std::string kPassword = "correct horse";
const std::vector<std::string> kFullTlsDialogue = {"EHLO", "STARTTLS", "EHLO", "AUTH",
                                                   "MAIL", "RCPT",     "DATA", "QUIT"};

FakeSmtpOptions tls_and_auth() {
  FakeSmtpOptions o;
  o.starttls = true;
  o.username = kUser;
  o.password = kPassword;
  return o;
}

SmtpOptions client_for(const FakeSmtpServer& server) {
  SmtpOptions o;
  o.url = server.url();
  o.starttls = StartTls::kRequired;
  o.username = kUser;
  o.password = kPassword;
  o.ca_file = server.ca_file();
  return o;
}

// Sends one message with a client of its own and closes its connection.
DeliveryResult send_one(const SmtpOptions& options, const std::string& id) {
  SmtpClient client(options);
  return client.send("from@slotwise.test", "to@example.com",
                     "From: from@slotwise.test\r\nTo: to@example.com\r\nSubject: hi\r\n"
                     "Message-ID: <" +
                         id + "@slotwise.test>\r\n\r\nhello\r\n");
}

// The failure's text ("" on success), for assertion messages: doctest also
// evaluates them for passing assertions under -s.
std::string why(const DeliveryResult& r) { return r.ok() ? std::string() : r.error().message; }

// The one connection the server saw, once it has ended.
SmtpSession only_session(const FakeSmtpServer& server) {
  REQUIRE(server.wait_sessions_closed(1, kHangGuard));
  const std::vector<SmtpSession> sessions = server.sessions();
  REQUIRE(sessions.size() == 1);
  return sessions[0];
}

// A send that must have gone through: one message accepted, on a connection
// that upgraded to TLS before authenticating as kUser. Returns the session
// for further checks.
SmtpSession delivered_over_tls(const FakeSmtpServer& server, const DeliveryResult& r) {
  REQUIRE_MESSAGE(r.ok(), why(r));
  CHECK(server.count() == 1);
  SmtpSession s = only_session(server);
  CHECK(s.tls);
  CHECK(s.user == kUser);
  CHECK(s.verbs == kFullTlsDialogue);
  return s;
}

}  // namespace

TEST_CASE("STARTTLS required, the server's CA and the right credentials: delivered over TLS") {
  FakeSmtpServer server(tls_and_auth());
  REQUIRE(!server.ca_file().empty());
  const DeliveryResult r = send_one(client_for(server), "tls-1");
  REQUIRE_MESSAGE(r.ok(), why(r));
  REQUIRE(server.count() == 1);
  const ReceivedMail mail = server.messages()[0];
  CHECK(mail.message_id() == "<tls-1@slotwise.test>");
  CHECK(mail.from == "from@slotwise.test");
  CHECK(mail.to == std::vector<std::string>{"to@example.com"});
  const SmtpSession s = only_session(server);
  CHECK(s.tls);
  CHECK(s.tls_error.empty());
  CHECK(s.user == kUser);
  CHECK(s.auth_mechanism == "PLAIN");  // libcurl's choice when PLAIN and LOGIN are offered
  CHECK(s.verbs == kFullTlsDialogue);
}

TEST_CASE("AUTH LOGIN when it is the only mechanism offered") {
  FakeSmtpOptions o = tls_and_auth();
  o.auth_mechanisms = {"LOGIN"};
  FakeSmtpServer server(o);
  const SmtpSession s = delivered_over_tls(server, send_one(client_for(server), "login-1"));
  CHECK(s.auth_mechanism == "LOGIN");
}

TEST_CASE("a wrong password is a permanent failure (535) and nothing is delivered") {
  FakeSmtpServer server(tls_and_auth());
  SmtpOptions o = client_for(server);
  o.password = "wrong horse";
  const DeliveryResult r = send_one(o, "badpass-1");
  REQUIRE(!r.ok());
  CHECK(r.error().permanent);
  CHECK(r.error().code == 535);
  CHECK(server.count() == 0);
  const SmtpSession s = only_session(server);
  CHECK(s.tls);  // the password went over TLS
  CHECK(s.saw("AUTH"));
  CHECK(s.user.empty());
  CHECK(!s.saw("MAIL"));
}

TEST_CASE("MAIL before AUTH is refused with 530, a permanent failure") {
  FakeSmtpServer server(tls_and_auth());
  SmtpOptions o = client_for(server);
  o.username.clear();
  o.password.clear();
  const DeliveryResult r = send_one(o, "noauth-1");
  REQUIRE(!r.ok());
  CHECK(r.error().permanent);
  CHECK(r.error().code == 530);
  CHECK(server.count() == 0);
  const SmtpSession s = only_session(server);
  CHECK(s.tls);
  CHECK(!s.saw("AUTH"));
  CHECK(s.user.empty());
}

TEST_CASE("STARTTLS required but not offered: an error, and the credentials never sent") {
  FakeSmtpOptions no_tls = tls_and_auth();
  no_tls.starttls = false;  // AUTH is still advertised, in clear
  FakeSmtpServer server(no_tls);
  CHECK(server.ca_file().empty());
  SmtpOptions o = client_for(server);
  o.ca_file.clear();
  const DeliveryResult r = send_one(o, "notls-1");
  REQUIRE(!r.ok());
  CHECK_MESSAGE(why(r).find("STARTTLS not supported") != std::string::npos, why(r));
  CHECK(server.count() == 0);
  const SmtpSession s = only_session(server);
  CHECK(!s.tls);
  CHECK(!s.saw("STARTTLS"));
  CHECK(!s.saw("AUTH"));
  CHECK(!s.saw("MAIL"));
  CHECK(s.user.empty());
}

TEST_CASE("STARTTLS required with a CA that did not sign the server's certificate") {
  FakeSmtpServer server(tls_and_auth());
  const TempDir dir("slotwise-smtp-ca");
  const std::string other_ca = dir.path() + "/other.pem";
  write_text_file(other_ca, make_test_cert().cert_pem);
  SmtpOptions o = client_for(server);
  o.ca_file = other_ca;
  const DeliveryResult r = send_one(o, "badca-1");
  REQUIRE(!r.ok());
  CHECK_MESSAGE(why(r).find("SSL certificate problem") != std::string::npos, why(r));
  CHECK(!r.error().permanent);  // no 5xx reply: classified as transient
  CHECK(server.count() == 0);
  const SmtpSession s = only_session(server);
  CHECK(s.saw("STARTTLS"));
  CHECK(!s.tls);
  CHECK(!s.tls_error.empty());  // the client aborted the handshake
  CHECK(!s.saw("AUTH"));
  CHECK(s.verbs == std::vector<std::string>{"EHLO", "STARTTLS"});
}

TEST_CASE("skip-verify (verify_peer = false) accepts a certificate no CA vouches for") {
  FakeSmtpServer server(tls_and_auth());
  SmtpOptions o = client_for(server);
  o.ca_file.clear();  // system CAs only: they do not know the test certificate
  o.verify_peer = false;
  const DeliveryResult r = send_one(o, "noverify-1");
  REQUIRE_MESSAGE(r.ok(), why(r));
  CHECK(server.count() == 1);
  const SmtpSession s = only_session(server);
  CHECK(s.tls);
  CHECK(s.user == kUser);
}

TEST_CASE("STARTTLS try with credentials and no STARTTLS offered: an error, AUTH never sent") {
  FakeSmtpOptions no_tls = tls_and_auth();
  no_tls.starttls = false;  // AUTH is still advertised, in clear
  FakeSmtpServer server(no_tls);
  SmtpOptions o = client_for(server);
  o.starttls = StartTls::kTry;
  o.ca_file.clear();
  const DeliveryResult r = send_one(o, "try-1");
  REQUIRE(!r.ok());
  CHECK_MESSAGE(why(r).find("STARTTLS not supported") != std::string::npos, why(r));
  CHECK_MESSAGE(why(r).find("never sends the SMTP credentials in clear") != std::string::npos,
                why(r));
  CHECK(!r.error().permanent);  // retried: the server may offer it again
  CHECK(server.count() == 0);
  const SmtpSession s = only_session(server);
  CHECK(!s.tls);
  CHECK(!s.saw("AUTH"));
  CHECK(!s.saw("MAIL"));
  CHECK(s.user.empty());
}

TEST_CASE("STARTTLS try with credentials upgrades when the server offers it") {
  FakeSmtpServer server(tls_and_auth());
  SmtpOptions o = client_for(server);
  o.starttls = StartTls::kTry;
  delivered_over_tls(server, send_one(o, "try-2"));
}

TEST_CASE("STARTTLS try without credentials against a server without it: delivered in clear") {
  FakeSmtpServer server;  // neither STARTTLS nor AUTH
  SmtpOptions o;
  o.url = server.url();
  o.starttls = StartTls::kTry;
  const DeliveryResult r = send_one(o, "try-3");
  REQUIRE_MESSAGE(r.ok(), why(r));
  CHECK(server.count() == 1);
  const SmtpSession s = only_session(server);
  CHECK(!s.tls);
  CHECK(s.user.empty());
  CHECK(s.verbs == std::vector<std::string>{"EHLO", "MAIL", "RCPT", "DATA", "QUIT"});
}

TEST_CASE("the default fake offers neither STARTTLS nor AUTH and takes plain SMTP") {
  FakeSmtpServer server;
  SmtpOptions o;
  o.url = server.url();
  const DeliveryResult r = send_one(o, "plain-1");
  REQUIRE_MESSAGE(r.ok(), why(r));
  CHECK(server.count() == 1);
  const SmtpSession s = only_session(server);
  CHECK(!s.tls);
  CHECK(s.user.empty());
  CHECK(s.verbs == std::vector<std::string>{"EHLO", "MAIL", "RCPT", "DATA", "QUIT"});
}

TEST_CASE("the smtp_* config keys reach the client: required STARTTLS, CA file, AUTH") {
  FakeSmtpServer server(tls_and_auth());
  const std::string text = "smtp_url = " + server.url() +
                           "\n"
                           "smtp_starttls = required\n"
                           "smtp_username = " +
                           kUser + "\nsmtp_password = \"" + kPassword +
                           "\"\n"
                           "smtp_ca_file = " +
                           server.ca_file() + "\nsmtp_verify_peer = true\nsmtp_timeout = 20s\n";
  const auto no_env = [](const std::string&) { return std::optional<std::string>{}; };
  const auto config = service::Config::parse(text, "smtp_tls_auth_test", no_env);
  REQUIRE_MESSAGE(config.ok(), (config.ok() ? "" : config.error().message));
  const auto settings = notifier::load_settings(config.value());
  REQUIRE_MESSAGE(settings.ok(), (settings.ok() ? "" : settings.error().message));
  const SmtpOptions& smtp = settings.value().smtp;
  CHECK(smtp.starttls == StartTls::kRequired);
  CHECK(smtp.ca_file == server.ca_file());
  CHECK(smtp.verify_peer);
  CHECK(smtp.timeout == std::chrono::seconds(20));
  delivered_over_tls(server, send_one(smtp, "config-1"));
}

}  // namespace slotwise::testing
