#include "command-side/command_context.h"

#include <utility>

namespace slotwise::command {

CommandContext::CommandContext(events::EventStore& store, auth::JwtCodec jwt,
                               std::string manage_key, service::Logger& logger,
                               const CommandContextOptions& options, Clock clock)
    : store_(store),
      accounts_(store, kAccountCategory, options.cache_aggregates, options.max_attempts),
      emails_(store, kEmailCategory, options.cache_aggregates, options.max_attempts),
      businesses_(store, kBusinessCategory, options.cache_aggregates, options.max_attempts),
      slugs_(store, kSlugCategory, options.cache_aggregates, options.max_attempts),
      calendars_(store, kCalendarCategory, options.cache_aggregates, options.max_attempts),
      payments_(store, kPaymentCategory, options.cache_aggregates, options.max_attempts),
      stripe_(options.payments.stripe.secret_key.empty()
                  ? nullptr
                  : std::make_unique<StripeClient>(options.payments.stripe)),
      webhook_secrets_(options.payments.webhook_secrets),
      webhook_tolerance_(options.payments.webhook_tolerance),
      jwt_(std::move(jwt)),
      passwords_(options.argon2),
      login_by_email_(options.login_limits),
      login_by_address_(options.login_limits),
      signup_by_address_(options.signup_limits),
      reset_by_email_(options.password_reset_limits),
      reset_by_address_(options.password_reset_limits),
      password_reset_ttl_(options.password_reset_ttl),
      booking_limits_(options.booking_limits),
      trusted_proxies_(options.trusted_proxies),
      manage_key_(std::move(manage_key)),
      jwt_ttl_(options.jwt_ttl),
      source_(options.source),
      logger_(logger),
      clock_(clock ? std::move(clock) : Clock([] {
        return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
      })) {}

}  // namespace slotwise::command
