#include "notifier/notifier_config.h"

#include <charconv>

#include "auth/jwt.h"

namespace slotwise::notifier {
namespace {

service::ConfigError bad(const std::string& what) { return service::ConfigError{what}; }

// The links' settings (links.h): the web app's origin, and the key that
// derives manage tokens, read as the command side reads its
// jwt_secret_file (trailing newline dropped, at least 32 bytes), so both
// derive the same token for a booking.
service::ConfigResult<LinkOptions> load_links(const service::Config& config) {
  LinkOptions links;
  auto base_url = config.get_base_url("public_base_url");
  if (!base_url) return common::fail(std::move(base_url).error());
  std::string base = std::move(base_url).value();
  if (base.empty()) return links;
  const std::string file = config.get_string("manage_key_file", "");
  if (file.empty()) {
    return common::fail(
        bad("config manage_key_file: required when public_base_url is set (the command side's "
            "jwt_secret_file, which derives manage tokens)"));
  }
  auto key = auth::JwtKey::from_file(file);
  if (!key) return common::fail(bad("config manage_key_file: " + key.error().message));
  links.public_base_url = std::move(base);
  links.manage_key = std::string(key->bytes());
  return links;
}

}  // namespace

service::ConfigResult<std::vector<std::chrono::seconds>> parse_offsets(std::string_view text) {
  std::vector<std::chrono::seconds> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view one = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.size() < 2) return common::fail(bad("config reminders: '" + std::string(one) + "'"));
    std::int64_t n = 0;
    const auto [p, ec] = std::from_chars(one.data(), one.data() + one.size() - 1, n);
    if (ec != std::errc{} || p != one.data() + one.size() - 1 || n <= 0) {
      return common::fail(bad("config reminders: '" + std::string(one) + "' is not a duration"));
    }
    switch (one.back()) {
      case 's':
        out.emplace_back(n);
        break;
      case 'm':
        out.emplace_back(n * 60);
        break;
      case 'h':
        out.emplace_back(n * 3600);
        break;
      default:
        return common::fail(bad("config reminders: unit of '" + std::string(one) + "' (s, m, h)"));
    }
  }
  if (out.size() > 2) return common::fail(bad("config reminders: at most two offsets"));
  return out;
}

// NOLINTNEXTLINE(readability-function-cognitive-complexity): one flat list of keys
service::ConfigResult<NotifierSettings> load_settings(const service::Config& config) {
  if (auto r = config.reject_unknown_keys({"nats_url",
                                           "stream",
                                           "pg_url",
                                           "http_host",
                                           "http_port",
                                           "consumer",
                                           "batch",
                                           "fetch_timeout",
                                           "query_role",
                                           "smtp_url",
                                           "smtp_starttls",
                                           "smtp_username",
                                           "smtp_password",
                                           "smtp_ca_file",
                                           "smtp_verify_peer",
                                           "smtp_timeout",
                                           "mail_from",
                                           "mail_from_name",
                                           "message_id_domain",
                                           "reminders",
                                           "retry_base",
                                           "retry_max",
                                           "max_attempts",
                                           "sender_threads",
                                           "poll_interval",
                                           "retention",
                                           "sms_provider",
                                           "twilio_base_url",
                                           "twilio_account_sid",
                                           "twilio_auth_token",
                                           "twilio_from",
                                           "public_base_url",
                                           "manage_key_file"});
      !r) {
    return common::fail(r.error());
  }
  NotifierSettings s;
  s.store.connection.url = config.get_string("nats_url", "nats://127.0.0.1:54222");
  s.store.connection.name = "slotwise-notifier";
  s.store.connection.retry_on_failed_connect = true;
  s.store.stream.name = config.get_string("stream", "SLOTWISE");
  const std::string pg =
      config.get_string("pg_url", "postgresql://slotwise@127.0.0.1:55432/slotwise");
  s.http_host = config.get_string("http_host", "127.0.0.1");
  auto port = config.get_int("http_port", 8084, 0, 65535);
  auto batch = config.get_int("batch", 500, 1, 10000);
  auto fetch_timeout = config.get_duration("fetch_timeout", std::chrono::milliseconds(200));
  auto verify = config.get_bool("smtp_verify_peer", true);
  auto smtp_timeout = config.get_duration("smtp_timeout", std::chrono::milliseconds(30000));
  auto reminders = parse_offsets(config.get_string("reminders", "24h,2h"));
  auto retry_base = config.get_duration("retry_base", std::chrono::milliseconds(30000));
  auto retry_max = config.get_duration("retry_max", std::chrono::milliseconds(3600000));
  auto max_attempts = config.get_int("max_attempts", 12, 1, 1000);
  auto threads = config.get_int("sender_threads", 1, 1, 64);
  auto poll = config.get_duration("poll_interval", std::chrono::milliseconds(200));
  auto retention = config.get_duration("retention", std::chrono::hours(24 * 90));
  for (const auto* r : {&port, &batch, &max_attempts, &threads}) {
    if (!*r) return common::fail(r->error());
  }
  for (const auto* r :
       {&fetch_timeout, &smtp_timeout, &retry_base, &retry_max, &poll, &retention}) {
    if (!*r) return common::fail(r->error());
  }
  if (!verify) return common::fail(verify.error());
  if (!reminders) return common::fail(reminders.error());
  s.http_port = static_cast<int>(port.value());

  s.planner.pg_url = pg;
  s.planner.consumer.durable_name = config.get_string("consumer", "notifier");
  s.planner.consumer.filter_subject = s.store.stream.wildcard();
  s.planner.batch = static_cast<int>(batch.value());
  s.planner.fetch_timeout = fetch_timeout.value();
  s.planner.read_only_role = config.get_string("query_role", "slotwise_query");
  s.planner.retention = retention.value();
  s.planner.plan.reminders = reminders.value();
  s.planner.plan.from.address = config.get_string("mail_from", "notifications@slotwise.localhost");
  s.planner.plan.from.name = config.get_string("mail_from_name", "SlotWise");
  s.planner.plan.message_id_domain = config.get_string("message_id_domain", "slotwise.localhost");

  s.smtp.url = config.get_string("smtp_url", "");
  const std::string tls = config.get_string("smtp_starttls", "off");
  if (tls == "off") {
    s.smtp.starttls = StartTls::kOff;
  } else if (tls == "try") {
    s.smtp.starttls = StartTls::kTry;
  } else if (tls == "required") {
    s.smtp.starttls = StartTls::kRequired;
  } else {
    return common::fail(bad("config smtp_starttls: '" + tls + "' is not off, try or required"));
  }
  s.smtp.username = config.get_string("smtp_username", "");
  s.smtp.password = config.get_string("smtp_password", "");
  s.smtp.ca_file = config.get_string("smtp_ca_file", "");
  s.smtp.verify_peer = verify.value();
  s.smtp.timeout = smtp_timeout.value();
  s.smtp.helo_domain = s.planner.plan.message_id_domain;

  s.sender.pg_url = pg;
  s.sender.envelope_from = s.planner.plan.from.address;
  s.sender.base_backoff = retry_base.value();
  s.sender.max_backoff = retry_max.value();
  s.sender.max_attempts = static_cast<int>(max_attempts.value());
  s.sender.poll = poll.value();
  s.sender_threads = static_cast<int>(threads.value());

  s.sms_provider = config.get_string("sms_provider", "");
  if (!s.sms_provider.empty() && s.sms_provider != "twilio") {
    return common::fail(bad("config sms_provider: '" + s.sms_provider + "' is not twilio"));
  }
  s.twilio.base_url = config.get_string("twilio_base_url", "https://api.twilio.com");
  s.twilio.account_sid = config.get_string("twilio_account_sid", "");
  s.twilio.auth_token = config.get_string("twilio_auth_token", "");
  s.twilio.from = config.get_string("twilio_from", "");
  s.planner.plan.sms = !s.sms_provider.empty();
  auto links = load_links(config);
  if (!links) return common::fail(links.error());
  s.planner.plan.links = std::move(links.value());
  return s;
}

}  // namespace slotwise::notifier
