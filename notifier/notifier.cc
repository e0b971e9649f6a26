#include "notifier/notifier.h"

namespace slotwise::notifier {

Notifier::Notifier(const events::EventStore& store, const NotifierSettings& settings,
                   service::Logger& logger, service::MetricsRegistry& metrics, const Clock& clock)
    : planner_(std::make_unique<Planner>(store, settings.planner, logger, metrics)),
      sender_metrics_(metrics) {
  if (settings.smtp.url.empty()) {
    logger.warn("email is off: smtp_url is not set; notifications stay planned until it is");
  }
  if (settings.smtp.url.rfind("smtp://", 0) == 0 && settings.smtp.starttls == StartTls::kOff &&
      !settings.smtp.username.empty()) {
    logger.warn(
        "smtp_starttls is off: the SMTP credentials are sent in clear (use try or required "
        "unless the relay is local)");
  }
  if (settings.smtp.url.empty() && settings.sms_provider.empty()) return;
  for (int i = 0; i < settings.sender_threads; ++i) {
    SenderOptions o = settings.sender;
    o.clock = clock;
    o.planner_consumer = settings.planner.consumer.durable_name;
    // The key the planner's links were made with derives their tokens again.
    o.link_key = settings.planner.plan.links.manage_key;
    o.log_end = [&store]() -> std::optional<std::uint64_t> {
      auto state = store.state();
      if (!state) return std::nullopt;
      return state->last_sequence;
    };
    std::unique_ptr<SmtpClient> smtp;
    if (!settings.smtp.url.empty()) smtp = std::make_unique<SmtpClient>(settings.smtp);
    std::unique_ptr<SmsProvider> sms;
    if (settings.sms_provider == "twilio") sms = std::make_unique<TwilioSms>(settings.twilio);
    senders_.push_back(std::make_unique<Sender>(std::move(o), std::move(smtp), std::move(sms),
                                                logger, sender_metrics_));
  }
}

Notifier::~Notifier() { stop(); }

void Notifier::start() {
  threads_.emplace_back([this] { planner_->run(); });
  for (auto& s : senders_) threads_.emplace_back([&s] { s->run(); });
}

void Notifier::stop() {
  planner_->stop();
  for (auto& s : senders_) s->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace slotwise::notifier
