#include "command-side/command_server.h"

#include <chrono>
#include <utility>

#include "command-side/http_adapter.h"

namespace slotwise::command {
namespace {

// The Stripe settings, read before anything is opened. A secret key
// without webhook secrets is refused: the server would create intents and
// hold slots, take the money, and answer every webhook 422, so no payment
// would ever confirm its booking (docs/adr/0008-payments.md).
common::Result<PaymentOptions, std::string> payment_options(const CommandConfig& config) {
  PaymentOptions payments;
  if (config.stripe_secret_key_file.empty()) return payments;
  auto secret = read_secret_key_file(config.stripe_secret_key_file);
  if (!secret) return common::fail(secret.error());
  auto webhook_secrets = read_webhook_secrets(config.stripe_webhook_secrets);
  if (!webhook_secrets) return common::fail(webhook_secrets.error());
  if (webhook_secrets->empty()) {
    return common::fail(std::string(kWebhookSecretsRequired));
  }
  payments.stripe.api_base = config.stripe_api_base;
  payments.stripe.secret_key = std::move(*secret);
  payments.stripe.timeout = config.stripe_timeout;
  payments.webhook_secrets = std::move(*webhook_secrets);
  payments.webhook_tolerance = config.stripe_webhook_tolerance;
  return payments;
}

}  // namespace

CommandServer::CommandServer(CommandConfig config, service::Logger& logger)
    : config_(std::move(config)), logger_(logger) {}

CommandServer::~CommandServer() { stop(); }

common::Result<int, std::string> CommandServer::start(CommandContext::Clock clock) {
  auto key = auth::JwtKey::from_file(config_.jwt_secret_file);
  if (!key) return common::fail("jwt_secret_file: " + key.error().message);
  const std::string manage_key(key->bytes());
  auto payments = payment_options(config_);
  if (!payments) return common::fail(payments.error());

  events::StoreOptions store_options;
  store_options.connection.url = config_.nats_url;
  store_options.connection.name = "slotwise-command";
  // open() returns at once when no server answers yet (connection.h).
  store_options.connection.retry_on_failed_connect = true;
  store_options.stream.name = config_.stream;
  store_options.shutdown_drain = config_.shutdown_drain;
  auto store = events::EventStore::open(store_options);
  if (!store) return common::fail("event store: " + store.error().message);
  store_ = std::move(*store);

  CommandContextOptions options;
  options.cache_aggregates = config_.cache_aggregates;
  options.max_attempts = config_.max_attempts;
  options.argon2 = config_.argon2;
  options.jwt_ttl = config_.jwt_ttl;
  options.login_limits.burst = config_.login_burst;
  options.login_limits.refill_per_second = config_.login_refill_per_second;
  options.signup_limits.burst = config_.signup_burst;
  options.signup_limits.refill_per_second = config_.signup_refill_per_second;
  options.password_reset_limits.burst = config_.password_reset_burst;
  options.password_reset_limits.refill_per_second = config_.password_reset_refill_per_second;
  options.password_reset_ttl = config_.password_reset_ttl;
  options.booking_limits.by_client_address.burst = config_.booking_address_burst;
  options.booking_limits.by_client_address.refill_per_second =
      1000.0 / static_cast<double>(config_.booking_address_refill_interval.count());
  options.booking_limits.by_customer.burst = config_.booking_customer_burst;
  options.booking_limits.by_customer.refill_per_second =
      1000.0 / static_cast<double>(config_.booking_customer_refill_interval.count());
  options.trusted_proxies = config_.trusted_proxies;
  options.payments = std::move(*payments);
  ctx_ = std::make_unique<CommandContext>(
      *store_, auth::JwtCodec(std::move(*key), {config_.jwt_issuer, config_.jwt_audience}),
      manage_key, logger_, options, std::move(clock));
  command_metrics_ = std::make_unique<CommandMetrics>(metrics_, *ctx_);

  service::HttpServerOptions http_options;
  http_options.host = config_.http_host;
  http_options.port = config_.http_port;
  http_options.worker_threads = config_.http_workers;
  http_options.max_payload_bytes = config_.max_body_bytes;
  http_ = std::make_unique<service::HttpServer>(http_options, logger_, metrics_);
  register_http_routes(*http_, *ctx_, serving_);
  http_->set_readiness_check([this]() -> common::Result<common::Unit, std::string> {
    if (!store_->connected()) return common::fail(std::string("NATS is not connected"));
    if (!serving_.load()) return common::fail(std::string("starting (see the log)"));
    if (auto s = store_->state(); !s) return common::fail("stream: " + s.error().message);
    return common::Unit{};
  });

  // With NATS up, everything is started here and a failure stops the
  // process, as before. Without it, HTTP comes up first (/healthz 200,
  // /readyz 503, commands 503) and the rest starts once NATS answers.
  const bool connected = store_->connected();
  if (connected) {
    if (auto up = bring_up(); !up) return common::fail(up.error());
  } else {
    logger_.info("waiting for NATS", {{"nats_url", config_.nats_url}});
  }
  auto port = http_->start();
  if (!port) return common::fail("http: " + port.error());
  port_ = *port;
  refresher_ = std::thread([this] { refresh_loop(); });
  if (connected) {
    log_started();
  } else {
    starter_ = std::thread([this] { bring_up_when_connected(); });
  }
  return port_;
}

common::Result<common::Unit, std::string> CommandServer::bring_up() {
  // Each step is skipped once done, so a retry after a failure (NATS lost
  // again half-way) does not start anything twice.
  if (!provisioned_) {
    if (auto stream = store_->provision(); !stream) {
      return common::fail("stream " + store_->stream().name + ": " + stream.error().message);
    }
    provisioned_ = true;
  }
  if (!business_watch_) {
    auto watch = start_watch(kBusinessCategory, "business watch",
                             [this](const std::string& id) { ctx_->businesses().invalidate(id); });
    if (!watch) return common::fail(watch.error());
    business_watch_ = std::move(*watch);
  }
  if (!account_watch_) {
    auto watch = start_watch(kAccountCategory, "account watch",
                             [this](const std::string& id) { ctx_->accounts().invalidate(id); });
    if (!watch) return common::fail(watch.error());
    account_watch_ = std::move(*watch);
  }
  if (config_.hold_expiry && !hold_expiry_) {
    auto expiry = std::make_unique<HoldExpiry>(*ctx_, HoldExpiryOptions{});
    if (auto r = expiry->start(); !r) return common::fail(r.error());
    hold_expiry_ = std::move(expiry);
  }
  if (config_.refund_retry && ctx_->stripe() != nullptr && !refund_reconciler_) {
    refund_reconciler_ = std::make_unique<RefundReconciler>(*ctx_, RefundReconcilerOptions{});
    ctx_->set_refund_retry([r = refund_reconciler_.get()](const std::string& business_id,
                                                          const std::string& booking_id) {
      r->retry_later(business_id, booking_id);
    });
    refund_reconciler_->start();
  }
  if (config_.nats_commands && !responder_) {
    auto responder = std::make_unique<NatsCommandResponder>(
        store_->nc(), *ctx_, config_.http_workers, config_.max_body_bytes);
    if (auto r = responder->start(); !r) return common::fail(r.error());
    responder_ = std::move(responder);
  }
  serving_.store(true);
  return common::Unit{};
}

void CommandServer::bring_up_when_connected() {
  std::unique_lock<std::mutex> lock(refresh_mu_);
  while (!stopping_) {
    if (store_->connected()) {
      lock.unlock();
      auto up = bring_up();
      lock.lock();
      if (up) {
        log_started();
        return;
      }
      logger_.warn("start-up incomplete; retrying", {{"reason", up.error()}});
      refresh_cv_.wait_for(lock, std::chrono::seconds(1));
    } else {
      // nats.c connects in the background; look again soon.
      refresh_cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
}

void CommandServer::log_started() {
  logger_.info("slotwise-command started", {{"http_port", port_},
                                            {"nats_url", config_.nats_url},
                                            {"payments", ctx_->stripe() != nullptr}});
}

common::Result<std::unique_ptr<LogFollower>, std::string> CommandServer::start_watch(
    const char* category, const char* name, std::function<void(const std::string&)> invalidate) {
  auto state = store_->state();
  if (!state) return common::fail(std::string(name) + ": stream state: " + state.error().message);
  const std::string prefix = store_->stream().subject_prefix + "." + category + ".";
  auto watch =
      std::make_unique<LogFollower>(*store_, logger_, name, prefix + ">",
                                    // The filter `prefix.>` delivers only subjects that start with
                                    // prefix and name at least one more token: the aggregate id.
                                    [prefix, invalidate = std::move(invalidate)](
                                        const std::string& subject, const events::StoredCommit&) {
                                      invalidate(subject.substr(prefix.size()));
                                    });
  // Earlier commits are in the log, which is where an uncached aggregate is
  // read from.
  watch->start(state->last_sequence + 1);
  return watch;
}

void CommandServer::refresh_loop() {
  std::unique_lock<std::mutex> lock(refresh_mu_);
  while (!stopping_) {
    command_metrics_->refresh();
    refresh_cv_.wait_for(lock, std::chrono::seconds(1));
  }
}

void CommandServer::stop() {
  {
    std::lock_guard<std::mutex> lock(refresh_mu_);
    stopping_ = true;
  }
  refresh_cv_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  // A start-up step in progress (a stream request to a NATS that went away)
  // ends within the store's request timeout.
  if (starter_.joinable()) starter_.join();
  if (hold_expiry_) hold_expiry_->stop();
  if (refund_reconciler_) refund_reconciler_->stop();
  if (business_watch_) business_watch_->stop();
  if (account_watch_) account_watch_->stop();
  // Stop taking requests first; running handlers finish their appends.
  if (http_) http_->stop();
  if (responder_) responder_->stop();
  if (store_ && !store_->drain(config_.shutdown_drain)) {
    logger_.warn("appends still in flight at shutdown");
  }
  responder_.reset();
  http_.reset();
  hold_expiry_.reset();
  refund_reconciler_.reset();
  business_watch_.reset();
  account_watch_.reset();
  command_metrics_.reset();
  ctx_.reset();
  store_.reset();
}

}  // namespace slotwise::command
