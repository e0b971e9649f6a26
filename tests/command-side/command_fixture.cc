#include "tests/command-side/command_fixture.h"

#include <date/date.h>

#include <fstream>
#include <stdexcept>
#include <utility>

#include "domain/account.h"
#include "domain/event_conversion.h"
#include "domain/proto_values.h"
#include "tests/support/metric_value.h"

namespace slotwise::testing {

std::string ApiResponse::str(const char* name) const {
  if (!json.IsObject()) return {};
  const auto found = json.FindMember(name);
  if (found == json.MemberEnd() || !found->value.IsString()) return {};
  return found->value.GetString();
}

std::string ApiResponse::error_code() const {
  if (!json.IsObject()) return {};
  const auto found = json.FindMember("error");
  if (found == json.MemberEnd() || !found->value.IsObject()) return {};
  const auto code = found->value.FindMember("code");
  if (code == found->value.MemberEnd() || !code->value.IsString()) return {};
  return code->value.GetString();
}

ApiClient::ApiClient(int port) : client_("127.0.0.1", port) {
  client_.set_tcp_nodelay(true);
  client_.set_keep_alive(true);
  client_.set_read_timeout(std::chrono::seconds(30));
}

ApiResponse ApiClient::send(const std::string& method, const std::string& path,
                            const std::string& body, const httplib::Headers& headers) {
  httplib::Result r = [&] {
    if (method == "POST") return client_.Post(path, headers, body, "application/json");
    if (method == "PUT") return client_.Put(path, headers, body, "application/json");
    if (method == "PATCH") return client_.Patch(path, headers, body, "application/json");
    if (method == "DELETE") return client_.Delete(path, headers, body, "application/json");
    return client_.Get(path, headers);
  }();
  ApiResponse out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.position_header = r->get_header_value("SlotWise-Position");
  out.retry_after = r->get_header_value("Retry-After");
  out.json.Parse(out.body.c_str(), out.body.size());
  return out;
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

command::CommandConfig test_command_config(const std::string& nats_url,
                                           const std::string& secret_file) {
  command::CommandConfig c;
  c.http_port = 0;
  c.http_workers = 96;
  c.nats_url = nats_url;
  c.jwt_secret_file = secret_file;
  c.argon2.memory_kib = 64;
  c.argon2.time_cost = 1;
  c.login_burst = 5;
  c.login_refill_per_second = 0.01;
  c.signup_burst = 1e6;  // tests sign up many owners from one address
  // Tests book many times from one address, often for one customer email;
  // booking_limits_test turns the limits on.
  c.booking_address_burst = 0;
  c.booking_customer_burst = 0;
  return c;
}

CommandFixture::CommandFixture(Configure configure)
    : dir("slotwise-command-test"), configure_(std::move(configure)) {
  secret_file = dir.path() + "/jwt.key";
  std::ofstream(secret_file) << "test-secret-of-at-least-thirty-two-bytes-0123456789\n";
  std::ofstream(dir.path() + "/stripe.key") << stripe.secret_key() << "\n";
  logger = std::make_unique<service::Logger>("slotwise-command", service::LogLevel::kWarn);
  events::StoreOptions options;
  options.connection.url = nats.url();
  auto store = events::EventStore::open(options);
  if (!store) throw std::runtime_error("reader: " + store.error().message);
  reader = std::move(*store);
  start_server();
}

void CommandFixture::start_server() {
  command::CommandConfig config = test_command_config(nats.url(), secret_file);
  config.stripe_api_base = stripe.base_url();
  config.stripe_secret_key_file = dir.path() + "/stripe.key";
  config.stripe_webhook_secrets = kWebhookSecret;
  if (configure_) configure_(config);
  server = std::make_unique<command::CommandServer>(config, *logger);
  auto started = server->start([this] { return now(); });
  if (!started) throw std::runtime_error("command server: " + started.error());
  port = *started;
  api = std::make_unique<ApiClient>(port);
}

CommandFixture::OtherProcess CommandFixture::start_other_process() const {
  command::CommandConfig config = test_command_config(nats.url(), secret_file);
  config.hold_expiry = false;
  OtherProcess other;
  other.server = std::make_unique<command::CommandServer>(config, *logger);
  auto started = other.server->start();
  if (!started) throw std::runtime_error("second command server: " + started.error());
  other.api = std::make_unique<ApiClient>(*started);
  return other;
}

void CommandFixture::stop_server() {
  api.reset();
  if (server) server->stop();
  server.reset();
}

int CommandFixture::deliver_webhook(const std::string& payload) const {
  return FakeStripe::deliver(
      port, payload,
      FakeStripe::signature_header(kWebhookSecret, now().time_since_epoch().count(), payload));
}

std::string CommandFixture::owner_token(const std::string& user, std::chrono::sys_seconds issued_at,
                                        std::optional<std::int64_t> session_generation) const {
  const command::CommandConfig config = test_command_config(nats.url(), secret_file);
  auto key = auth::JwtKey::from_file(secret_file);
  if (!key) throw std::runtime_error("jwt key: " + key.error().message);
  const auth::JwtCodec codec(std::move(key).value(),
                             auth::JwtSettings{config.jwt_issuer, config.jwt_audience});
  auto token = codec.issue(user, issued_at, config.jwt_ttl, session_generation);
  if (!token) throw std::runtime_error("jwt: " + token.error().message);
  return std::move(token).value();
}

std::chrono::sys_seconds CommandFixture::last_password_change(const std::string& user) const {
  auto commits = reader->read({"account", user}, 0);
  if (!commits) throw std::runtime_error("read account: " + commits.error().message);
  std::optional<std::chrono::sys_seconds> last;
  for (const auto& c : *commits) {
    for (const auto& rec : c.commit.events()) {
      auto e = domain::from_any<domain::AccountEvent>(rec.payload());
      if (!e || !e->has_value()) throw std::runtime_error("account event does not decode");
      if (const auto* changed = std::get_if<events::v1::PasswordChanged>(&**e)) {
        last = domain::to_instant(changed->changed_at());
      }
    }
  }
  if (!last) throw std::runtime_error("no PasswordChanged for " + user);
  return *last;
}

std::string CommandFixture::metric(const std::string& series) const {
  return metric_value(api->send("GET", "/metrics", "").body, series);
}

CommandFixture::~CommandFixture() {
  api.reset();
  reader.reset();
  if (server) server->stop();
}

std::chrono::sys_seconds CommandFixture::now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
         std::chrono::seconds(offset_seconds_.load());
}

std::pair<std::string, std::string> CommandFixture::signup(const std::string& email) const {
  auto r = api->post("/v1/auth/signup",
                     R"({"email":")" + email + R"(","password":"correct horse","name":"Owner"})");
  if (r.status != 201) throw std::runtime_error("signup: " + r.body);
  return {r.str("user_id"), r.str("token")};
}

std::pair<std::string, std::string> CommandFixture::business_with_hours(
    const std::string& token, const std::string& slug, const std::string& zone,
    const std::string& service_extra, const std::string& currency) const {
  auto b = api->post(
      "/v1/businesses",
      R"({"slug":")" + slug + R"(","name":"Biz","time_zone":")" + zone + R"(","currency":")" +
          currency +
          R"(","policy":{"slot_interval_minutes":15,"min_notice_minutes":60,"horizon_days":60}})",
      bearer(token));
  if (b.status != 201) throw std::runtime_error("create business: " + b.body);
  const std::string id = b.str("business_id");
  auto s = api->post(
      "/v1/businesses/" + id + "/services",
      R"({"name":"Session","duration_minutes":60,"price_minor":5000)" + service_extra + "}",
      bearer(token));
  if (s.status != 201) throw std::runtime_error("define service: " + s.body);
  std::string days;
  for (const char* d :
       {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
    if (!days.empty()) days += ",";
    days += std::string("\"") + d + R"(":[{"start":"09:00","end":"17:00"}])";
  }
  auto h = api->send("PUT", "/v1/businesses/" + id + "/schedule", R"({"days":{)" + days + "}}",
                     bearer(token));
  if (h.status != 200) throw std::runtime_error("schedule: " + h.body);
  return {id, s.str("service_id")};
}

std::string CommandFixture::slot(int days_ahead, int hour, int minute) const {
  const auto day = start_day_ + date::days(days_ahead);
  const auto t = day + std::chrono::hours(hour) + std::chrono::minutes(minute);
  return date::format("%Y-%m-%dT%H:%M:%SZ", t);
}

std::uint64_t CommandFixture::last_sequence() const {
  auto state = reader->state();
  if (!state) throw std::runtime_error("stream state: " + state.error().message);
  return state->last_sequence;
}

}  // namespace slotwise::testing
