// CommandFixture: a real nats-server and the real CommandServer (the whole
// slotwise-command process minus main()) in-process on a free port, with a
// clock the test can move, cheap Argon2 parameters, a FakeStripe the server
// uses for payments (webhook secret kWebhookSecret), and an HTTP client with
// JSON helpers. restart() stops the server and starts a new one on the
// same NATS server (the log survives). ApiClient is usable on its own from many threads (one
// instance per thread).
//
// Thread safety: the fixture is used by one test; ApiClient per thread.
// Errors: setup failures throw (test boundary).
#pragma once

#include <date/date.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "command-side/command_server.h"
#include "events/event_store.h"
#include "service/log.h"
#include "tests/support/fake_stripe.h"
#include "tests/support/nats_server.h"
#include "tests/support/process.h"

namespace slotwise::testing {

struct ApiResponse {
  int status = 0;  // 0: no response (connection failed)
  std::string body;
  std::string position_header;
  std::string retry_after;
  rapidjson::Document json;

  // The string member `name` of the JSON body ("" when absent).
  [[nodiscard]] std::string str(const char* name) const;
  // body.error.code ("" when absent).
  [[nodiscard]] std::string error_code() const;
};

class ApiClient {
 public:
  explicit ApiClient(int port);
  ApiResponse send(const std::string& method, const std::string& path, const std::string& body,
                   const httplib::Headers& headers = {});
  ApiResponse post(const std::string& path, const std::string& body,
                   const httplib::Headers& headers = {}) {
    return send("POST", path, body, headers);
  }

 private:
  httplib::Client client_;
};

// Authorization header for a token.
httplib::Headers bearer(const std::string& token);

// Starts `slotwise-command`-equivalent settings: cheap Argon2, a JWT secret
// in a temp file, the given NATS URL.
command::CommandConfig test_command_config(const std::string& nats_url,
                                           const std::string& secret_file);

inline constexpr const char* kWebhookSecret = "whsec_test_0123456789abcdef";

class CommandFixture {
 public:
  using Configure = std::function<void(command::CommandConfig&)>;
  CommandFixture() : CommandFixture(Configure{}) {}
  // `configure` adjusts the server's settings before every start.
  explicit CommandFixture(Configure configure);
  ~CommandFixture();
  CommandFixture(const CommandFixture&) = delete;
  CommandFixture& operator=(const CommandFixture&) = delete;

  // The command side's clock: real time plus the offset.
  void advance(std::chrono::seconds by) { offset_seconds_ += by.count(); }
  [[nodiscard]] std::chrono::sys_seconds now() const;

  // signup + token; returns {user_id, token}.
  std::pair<std::string, std::string> signup(const std::string& email) const;
  // A business owned by `token` with Mon-Sun 09:00-17:00 hours in `zone`,
  // pricing in `currency`, and one 60-min service at 5000 minor units;
  // returns {business_id, service_id}.
  std::pair<std::string, std::string> business_with_hours(
      const std::string& token, const std::string& slug, const std::string& zone = "UTC",
      const std::string& service_extra = "", const std::string& currency = "EUR") const;
  // `days_ahead` days after the UTC date on which the fixture started, at
  // hh:mm UTC, as RFC 3339. Counted from that fixed date, not from now():
  // a test that moves the clock, or runs across midnight UTC, names the same
  // instant every time it asks for the same slot.
  [[nodiscard]] std::string slot(int days_ahead, int hour, int minute = 0) const;
  // An owner token for `user` signed with the fixture's JWT secret, issued
  // at `issued_at`, naming `session_generation` (none: a token as issued
  // before tokens carried one). For tokens a test cannot get from the API:
  // one issued in a given second, or by an older build.
  [[nodiscard]] std::string owner_token(const std::string& user, std::chrono::sys_seconds issued_at,
                                        std::optional<std::int64_t> session_generation) const;
  // The changed_at of the account's last PasswordChanged in the log.
  [[nodiscard]] std::chrono::sys_seconds last_password_change(const std::string& user) const;
  // The stream's last sequence (to prove refused requests append nothing).
  [[nodiscard]] std::uint64_t last_sequence() const;
  // Stops the command server (as a crash would leave the log) and starts a
  // new one; `port` and `api` point at the new one.
  void stop_server();
  void start_server();
  // A second command process on the same log and JWT secret (hold expiry
  // off, payments off), started, with a client: what another instance
  // behind a load balancer sees. Stops when the returned value is dropped.
  struct OtherProcess {
    std::unique_ptr<command::CommandServer> server;
    std::unique_ptr<ApiClient> api;
  };
  [[nodiscard]] OtherProcess start_other_process() const;
  // Sends a Stripe event to the webhook, signed with kWebhookSecret now.
  int deliver_webhook(const std::string& payload) const;
  // The value of `series` (name and labels, as exposed) on the server's
  // GET /metrics; "" when absent (tests/support/metric_value.h).
  [[nodiscard]] std::string metric(const std::string& series) const;

  NatsServerFixture nats;
  FakeStripe stripe;
  TempDir dir;
  std::string secret_file;
  std::unique_ptr<service::Logger> logger;
  std::unique_ptr<command::CommandServer> server;
  std::unique_ptr<events::EventStore> reader;  // a second connection for checks
  std::unique_ptr<ApiClient> api;
  int port = 0;

  // Public like the rest (a plain fixture; clang-tidy's mixed-visibility
  // rule): the settings hook and the clock offset behind advance()/now().
  Configure configure_;
  std::atomic<std::int64_t> offset_seconds_{0};
  date::sys_days start_day_ = date::floor<date::days>(std::chrono::system_clock::now());
};

}  // namespace slotwise::testing
