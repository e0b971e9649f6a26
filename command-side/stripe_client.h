// StripeClient: the Stripe REST calls the command side makes, over
// libcurl (https://docs.stripe.com/api):
//
//   create_payment_intent  POST {base}/v1/payment_intents   (form-encoded)
//       amount, currency (lower case), metadata[booking_id],
//       metadata[business_id], automatic_payment_methods[enabled]=true,
//       Idempotency-Key: pi-<booking_id>; try n > 0: pi-<booking_id>-<n>
//   retrieve_payment_intent GET {base}/v1/payment_intents/{id}
//   create_refund          POST {base}/v1/refunds
//       payment_intent, amount, metadata[booking_id], metadata[reason],
//       Idempotency-Key: refund-<booking_id>-<reason>; try n > 0: ...-<n>
//   list_refunds           GET {base}/v1/refunds?charge={id}&limit=100
//       (&starting_after={last id} while has_more): every refund of a charge
//   list_intent_refunds    GET {base}/v1/refunds?payment_intent={id}&limit=100
//       (paged the same way): every refund of a payment intent
//
// Every call sends `Authorization: Bearer <secret key>`. The Idempotency-Key
// makes a retried call return Stripe's first object, so callers may repeat
// any call after a failure or a crash. Stripe also saves a 500 under the key
// and answers it to every call with that key for 24 hours
// (spends_idempotency_key()); the caller then makes its next try with the
// next attempt number, which the payment aggregate counts
// (docs/adr/0008-payments.md).
//
// Amounts: callers speak SlotWise minor units (ISO 4217's: 5000 ISK is
// 5000); Stripe's API writes some currencies otherwise (5000 ISK is its
// 500000). Every amount sent (intents, refunds) and read back (intents,
// refunds, lists, and the webhook's objects through intent_from_json and
// refund_from_json) is converted here, by domain/stripe_amount.h, and
// nowhere else: what callers see and record is SlotWise units.
//
// Thread safety: thread-safe (one curl easy handle per call; the global
// libcurl initialisation runs once).
// Errors: StripeError: kUnavailable for network errors, timeouts, 429 and
// 5xx (retry later), kRejected for other 4xx (Stripe's error message kept)
// and for an amount Stripe cannot take in its currency (refused before
// anything is sent, http_status 0: an intent's amount also below Stripe's
// minimum charge or above its maximum), kBadResponse for a reply that is not
// the expected JSON or whose amount is not a whole number of SlotWise minor
// units. curl's codes are converted in exactly one place (stripe_client.cc).
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace slotwise::command {

struct StripeError {
  enum class Code { kUnavailable, kRejected, kBadResponse };
  Code code = Code::kUnavailable;
  int http_status = 0;
  std::string message;
};

struct StripeClientOptions {
  std::string api_base = "https://api.stripe.com";
  std::string secret_key;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{10000};
};

struct PaymentIntentRequest {
  std::string booking_id;
  std::string business_id;
  // SlotWise minor units of `currency`.
  std::int64_t amount_minor = 0;
  // ISO 4217, any case (sent in lower case).
  std::string currency;
  // Which try (PaymentState::next_attempt): picks the Idempotency-Key.
  std::uint32_t attempt = 0;
};

struct StripePaymentIntent {
  std::string id;
  std::string client_secret;
  std::string status;
  // `amount` and `amount_received`, in SlotWise minor units.
  std::int64_t amount_minor = 0;
  std::int64_t amount_received_minor = 0;
  std::string currency;    // lower case, as Stripe
  std::string booking_id;  // metadata[booking_id]
};

struct StripeRefund {
  std::string id;
  // In SlotWise minor units.
  std::int64_t amount_minor = 0;
  // pending, requires_action, succeeded, failed or canceled.
  std::string status;
  // metadata[booking_id] and metadata[reason]: set by create_refund, empty
  // for a refund made elsewhere (the Stripe dashboard).
  std::string booking_id;
  std::string reason;
  // Why a failed refund failed ("expired_or_canceled_card", ...).
  std::string failure_reason{};
  std::string payment_intent{};
  std::string currency{};  // lower case, as Stripe
};

template <class T>
using StripeResult = common::Result<T, StripeError>;

// The Idempotency-Keys of the try `attempt` of a booking's intent creation
// and of its refund of `reason`: the first try's key has no suffix (the key
// SlotWise always sent), try n > 0 appends "-<n>".
[[nodiscard]] std::string payment_intent_idempotency_key(const std::string& booking_id,
                                                         std::uint32_t attempt);
[[nodiscard]] std::string refund_idempotency_key(const std::string& booking_id,
                                                 const std::string& reason, std::uint32_t attempt);

// Whether Stripe saved this failure under the call's Idempotency-Key: it
// answered 500, which it saves once the endpoint began and replays to every
// call with the key for 24 hours
// (https://docs.stripe.com/api/idempotent_requests). Other failures are not
// saved (a 429 or a 401 comes before the idempotency layer; a 4xx is the
// request's fault) or leave the call's outcome open (a timeout, a 502/503/504
// from in front of the API: the call may still run), so their key is kept.
[[nodiscard]] bool spends_idempotency_key(const StripeError& error);

// A Stripe refund object (an API reply, a list item, a refund event's
// data.object); absent members read as empty. Its amount is in the refund's
// currency, else `currency` (the charge's, for the refunds a charge lists);
// kBadResponse when it is not a whole number of SlotWise minor units.
[[nodiscard]] StripeResult<StripeRefund> refund_from_json(const rapidjson::Value* object,
                                                          const std::string& currency = "");

// A Stripe PaymentIntent object (an API reply, a webhook's data.object);
// kBadResponse without an id or with amounts that are not whole SlotWise
// minor units.
[[nodiscard]] StripeResult<StripePaymentIntent> intent_from_json(const rapidjson::Value* object);

class StripeClient {
 public:
  explicit StripeClient(StripeClientOptions options);

  [[nodiscard]] StripeResult<StripePaymentIntent> create_payment_intent(
      const PaymentIntentRequest& request) const;
  [[nodiscard]] StripeResult<StripePaymentIntent> retrieve_payment_intent(
      const std::string& payment_intent_id) const;
  // Refunds `amount_minor` SlotWise minor units of `currency` (the
  // intent's). `reason` names the refund's cause ("cancellation",
  // "slot_unavailable") and, with `attempt` (PaymentState::next_attempt),
  // makes its Idempotency-Key.
  [[nodiscard]] StripeResult<StripeRefund> create_refund(
      const std::string& payment_intent_id, std::int64_t amount_minor, const std::string& currency,
      const std::string& booking_id, const std::string& reason, std::uint32_t attempt = 0) const;
  // Every refund of the charge `charge_id` ("ch_..."), in Stripe's order
  // (newest first), whatever their status.
  [[nodiscard]] StripeResult<std::vector<StripeRefund>> list_refunds(
      const std::string& charge_id) const;
  // Every refund of the payment intent `payment_intent_id` ("pi_..."), in
  // Stripe's order, whatever their status.
  [[nodiscard]] StripeResult<std::vector<StripeRefund>> list_intent_refunds(
      const std::string& payment_intent_id) const;

 private:
  using Form = std::vector<std::pair<std::string, std::string>>;
  struct HttpReply {
    long status = 0;  // curl's type
    std::string body;
  };
  // Every refund whose `filter` ("charge", "payment_intent") is `id`.
  [[nodiscard]] StripeResult<std::vector<StripeRefund>> list_refunds_by(
      const char* filter, const std::string& id) const;
  [[nodiscard]] StripeResult<HttpReply> call(const char* method, const std::string& path,
                                             const Form& form,
                                             const std::string& idempotency_key) const;

  StripeClientOptions options_;
};

}  // namespace slotwise::command
