#include "command-side/command_server.h"

#include <chrono>
#include <utility>

#include "command-side/http_adapter.h"

namespace slotwise::command {

CommandServer::CommandServer(CommandConfig config, service::Logger& logger)
    : config_(std::move(config)), logger_(logger) {}

CommandServer::~CommandServer() { stop(); }

common::Result<int, std::string> CommandServer::start(CommandContext::Clock clock) {
  auto key = auth::JwtKey::from_file(config_.jwt_secret_file);
  if (!key) return common::fail("jwt_secret_file: " + key.error().message);
  const std::string manage_key(key->bytes());

  events::StoreOptions store_options;
  store_options.connection.url = config_.nats_url;
  store_options.connection.name = "slotwise-command";
  store_options.connection.retry_on_failed_connect = true;
  store_options.shutdown_drain = config_.shutdown_drain;
  auto store = events::EventStore::open(store_options);
  if (!store) return common::fail("event store: " + store.error().message);
  store_ = std::move(*store);
  if (auto stream = store_->provision(); !stream) {
    return common::fail("stream " + store_->stream().name + ": " + stream.error().message);
  }

  CommandContextOptions options;
  options.cache_aggregates = config_.cache_aggregates;
  options.max_attempts = config_.max_attempts;
  options.argon2 = config_.argon2;
  options.jwt_ttl = config_.jwt_ttl;
  options.login_limits.burst = config_.login_burst;
  options.login_limits.refill_per_second = config_.login_refill_per_second;
  options.signup_limits.burst = config_.signup_burst;
  options.signup_limits.refill_per_second = config_.signup_refill_per_second;
  options.trusted_proxies = config_.trusted_proxies;
  if (!config_.stripe_secret_key_file.empty()) {
    auto secret = read_secret_key_file(config_.stripe_secret_key_file);
    if (!secret) return common::fail(secret.error());
    auto webhook_secrets = read_webhook_secrets(config_.stripe_webhook_secrets);
    if (!webhook_secrets) return common::fail(webhook_secrets.error());
    options.payments.stripe.api_base = config_.stripe_api_base;
    options.payments.stripe.secret_key = std::move(*secret);
    options.payments.stripe.timeout = config_.stripe_timeout;
    options.payments.webhook_secrets = std::move(*webhook_secrets);
    options.payments.webhook_tolerance = config_.stripe_webhook_tolerance;
  }
  ctx_ = std::make_unique<CommandContext>(
      *store_, auth::JwtCodec(std::move(*key), {config_.jwt_issuer, config_.jwt_audience}),
      manage_key, logger_, options, std::move(clock));
  command_metrics_ = std::make_unique<CommandMetrics>(metrics_, *ctx_);
  if (auto watch = start_business_watch(); !watch) return common::fail(watch.error());
  if (config_.hold_expiry) {
    hold_expiry_ = std::make_unique<HoldExpiry>(*ctx_, HoldExpiryOptions{});
    if (auto r = hold_expiry_->start(); !r) return common::fail(r.error());
  }
  if (config_.refund_retry && ctx_->stripe() != nullptr) {
    refund_reconciler_ = std::make_unique<RefundReconciler>(*ctx_, RefundReconcilerOptions{});
    ctx_->set_refund_retry([r = refund_reconciler_.get()](const std::string& business_id,
                                                          const std::string& booking_id) {
      r->retry_later(business_id, booking_id);
    });
    refund_reconciler_->start();
  }

  service::HttpServerOptions http_options;
  http_options.host = config_.http_host;
  http_options.port = config_.http_port;
  http_options.worker_threads = config_.http_workers;
  http_options.max_payload_bytes = config_.max_body_bytes;
  http_ = std::make_unique<service::HttpServer>(http_options, logger_, metrics_);
  register_http_routes(*http_, *ctx_);
  http_->set_readiness_check([this]() -> common::Result<common::Unit, std::string> {
    if (!store_->connected()) return common::fail(std::string("NATS is not connected"));
    if (auto s = store_->state(); !s) return common::fail("stream: " + s.error().message);
    return common::Unit{};
  });

  if (config_.nats_commands) {
    responder_ = std::make_unique<NatsCommandResponder>(store_->nc(), *ctx_, config_.http_workers,
                                                        config_.max_body_bytes);
    if (auto r = responder_->start(); !r) return common::fail(r.error());
  }
  auto port = http_->start();
  if (!port) return common::fail("http: " + port.error());
  port_ = *port;
  refresher_ = std::thread([this] { refresh_loop(); });
  logger_.info("slotwise-command started", {{"http_port", port_},
                                            {"nats_url", config_.nats_url},
                                            {"payments", ctx_->stripe() != nullptr}});
  return port_;
}

common::Result<common::Unit, std::string> CommandServer::start_business_watch() {
  auto state = store_->state();
  if (!state) return common::fail("business watch: stream state: " + state.error().message);
  const std::string prefix = store_->stream().subject_prefix + "." + kBusinessCategory + ".";
  business_watch_ = std::make_unique<LogFollower>(
      *store_, logger_, "business watch", prefix + ">",
      // The filter `prefix.>` delivers only subjects that start with prefix
      // and name at least one more token: the business id.
      [this, prefix](const std::string& subject, const events::StoredCommit&) {
        ctx_->businesses().invalidate(subject.substr(prefix.size()));
      });
  // Earlier commits are in the log, which is where an uncached business is
  // read from.
  business_watch_->start(state->last_sequence + 1);
  return common::Unit{};
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
  if (hold_expiry_) hold_expiry_->stop();
  if (refund_reconciler_) refund_reconciler_->stop();
  if (business_watch_) business_watch_->stop();
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
  command_metrics_.reset();
  ctx_.reset();
  store_.reset();
}

}  // namespace slotwise::command
