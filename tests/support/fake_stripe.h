// FakeStripe: a local stand-in for Stripe's REST API (cpp-httplib on a free
// port), speaking the same HTTP shape as the calls SlotWise makes:
//
//   POST /v1/payment_intents       form: amount, currency, metadata[...],
//                                  automatic_payment_methods[enabled]
//   GET  /v1/payment_intents/{id}
//   POST /v1/refunds               form: payment_intent, amount, metadata[...]
//   GET  /v1/refunds               query: charge or payment_intent, limit
//                                  (default 10, at most 100), starting_after;
//                                  a list object {object, url, has_more,
//                                  data[]}, newest first, as Stripe pages it
//
// Amounts are Stripe's, and Stripe's rules for them hold
// (https://docs.stripe.com/currencies): an amount of ISK or UGX must be a
// multiple of 100 (5000 ISK is 500000), one of BHD, JOD, KWD, OMR or TND a
// multiple of 10; anything else is answered 400 invalid_request_error with
// param "amount", as Stripe does. A payment intent must also be in one of
// Stripe's currencies (else 400, param "currency", code invalid_currency),
// at least Stripe's minimum charge in it (0.50 EUR is 50; code
// amount_too_small) and of at most 8 digits (12 for IDR, 10 for COP, 9 for
// INR; code amount_too_large); a refund has no minimum. These rules are
// written here on their own, not taken from SlotWise's conversion or its
// tables, so tests prove the conversion and the limits.
//
// The charge of an intent "pi_X" is "ch_pi_X" (the events below use that id).
// Every call must carry `Authorization: Bearer <secret key>` (else 401 with
// Stripe's error shape); an Idempotency-Key seen before answers the first
// response again, until forget_idempotency_keys() (Stripe prunes a key
// after 24 hours). A refund of more than the intent's unrefunded amount
// (its amount minus its refunds that did not fail or get canceled) is
// refused with 400, as Stripe refuses it. Calls are recorded. fail_next()
// makes the next calls answer 500 (to test payment_unavailable) without
// taking effect; a 500 answered to a POST with an Idempotency-Key not seen
// before is saved under the key and answered again to every later call
// with it, as Stripe saves a 500 (https://docs.stripe.com/api/idempotent_requests;
// other statuses are not saved). lose_next_answers() makes the next calls
// take effect and answer 500 (an answer lost on its way; the key keeps the
// effect). fail_refund() moves a refund to failed (or canceled) after its
// creation, as Stripe does when the card was closed.
//
// It also builds Stripe events (payment_intent.succeeded, ...) and sends
// them to a webhook URL signed with the real Stripe-Signature scheme
// (HMAC-SHA256 over "<t>.<payload>", computed here independently of the
// command side's verifier).
//
// Thread safety: thread-safe.
// Errors: the constructor throws when it cannot listen (test boundary).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace slotwise::testing {

class FakeStripe {
 public:
  struct Call {
    std::string method;
    std::string path;
    std::string idempotency_key;
    std::map<std::string, std::string> form;
    int status = 0;
  };
  struct Intent {
    std::string id;
    std::string client_secret;
    std::int64_t amount = 0;  // Stripe's: 500000 for 5000 ISK
    std::string currency;     // lower case, as Stripe
    std::string booking_id;
    std::string business_id;
  };
  struct Refund {
    std::string id;
    std::string payment_intent;
    std::int64_t amount = 0;   // Stripe's, as Intent::amount
    std::string reason;        // metadata[reason]
    std::string booking_id{};  // metadata[booking_id]
    std::string status = "succeeded";
    std::string failure_reason{};  // set by fail_refund()
    std::string currency = "eur";  // the intent's when the fake knows it
  };

  explicit FakeStripe(std::string secret_key = "sk_test_fake_0123456789");
  ~FakeStripe();
  FakeStripe(const FakeStripe&) = delete;
  FakeStripe& operator=(const FakeStripe&) = delete;

  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] const std::string& secret_key() const { return secret_key_; }

  [[nodiscard]] std::vector<Call> calls() const;
  // Calls whose method and path match exactly.
  [[nodiscard]] std::size_t count(const std::string& method, const std::string& path) const;
  [[nodiscard]] std::optional<Intent> intent_for_booking(const std::string& booking_id) const;
  [[nodiscard]] std::vector<Refund> refunds() const;
  // The next `n` API calls (of `method` and `path`, when given: "POST",
  // "/v1/refunds") answer HTTP `status` with an api_error and take no
  // effect; a 500 to a POST with a new Idempotency-Key is saved under it
  // (every later call with the key is answered that 500, until
  // forget_idempotency_keys()).
  void fail_next(int n, int status = 500, std::string method = {}, std::string path = {});
  // The next `n` API calls (of `method` and `path`, when given: "POST",
  // "/v1/refunds") take effect (a refund is made, an Idempotency-Key
  // remembers its answer) but answer 500: the answer was lost on its way
  // back, as a timeout would lose it.
  void lose_next_answers(int n, std::string method = {}, std::string path = {});
  // Idempotency-Keys seen so far are forgotten: a call repeating one takes
  // effect again, as at Stripe 24 hours after the first.
  void forget_idempotency_keys();
  // A refund made without SlotWise's call being answered (in the Stripe
  // dashboard, or a call whose answer was lost): listed like the others.
  // An empty id gets a fresh "re_fake..." one; the currency is its
  // intent's when the fake made that intent. Returns the stored refund.
  Refund add_refund(Refund refund);
  // The refund `refund_id` moves to `status` ("failed": the customer's card
  // was closed, Stripe's failure_reason `failure_reason`; or "canceled"),
  // as Stripe moves a refund after creating it. Returns the refund as it
  // is now (listed so, and as refund_event() reports it).
  Refund fail_refund(const std::string& refund_id,
                     const std::string& failure_reason = "expired_or_canceled_card",
                     const std::string& status = "failed");

  // A Stripe event JSON for a payment intent ("payment_intent.succeeded",
  // "payment_intent.payment_failed").
  [[nodiscard]] static std::string intent_event(const std::string& event_id,
                                                const std::string& type, const Intent& intent);
  // charge.refunded with the given refunds listed (Stripe's older shape),
  // each in the intent's currency.
  [[nodiscard]] static std::string charge_refunded_event(const std::string& event_id,
                                                         const Intent& intent,
                                                         const std::vector<Refund>& refunds);
  // charge.refunded as Stripe sends it since API version 2022-11-15: no
  // refunds list (and, here, none of the intent's metadata on the charge).
  [[nodiscard]] static std::string charge_refunded_event_unlisted(const std::string& event_id,
                                                                  const Intent& intent,
                                                                  std::int64_t amount_refunded);
  // An event about one refund ("charge.refund.updated", "refund.updated",
  // "refund.failed"): data.object is the refund object as the API answers
  // it (status, failure_reason, metadata, payment_intent, currency), with
  // data.previous_attributes.status "succeeded" as Stripe sends a change.
  [[nodiscard]] static std::string refund_event(const std::string& event_id,
                                                const std::string& type, const Refund& refund);
  // "t=<timestamp>,v1=<hex>".
  [[nodiscard]] static std::string signature_header(const std::string& secret,
                                                    std::int64_t timestamp,
                                                    const std::string& payload);
  // POSTs `payload` to http://127.0.0.1:<port>/v1/webhooks/stripe with the
  // Stripe-Signature header; returns the HTTP status (0: no answer).
  [[nodiscard]] static int deliver(int port, const std::string& payload,
                                   const std::string& signature);

 private:
  void handle(const httplib::Request& req, httplib::Response& res);
  // The API's answer to an authorised call (mu_ held): {status, body}.
  std::pair<int, std::string> route(const Call& call);
  std::pair<int, std::string> create_intent(const Call& call);
  std::pair<int, std::string> create_refund(const Call& call);
  std::pair<int, std::string> list_refunds(const Call& call) const;

  std::string secret_key_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<Call> calls_;
  // Idempotency-Key -> {status, body} of its first answer: 200, or a 500.
  std::map<std::string, std::pair<int, std::string>> replies_by_key_;
  std::map<std::string, Intent> intents_;  // by id
  std::vector<Refund> refunds_;
  int failures_left_ = 0;
  std::string fail_method_;  // empty: any
  std::string fail_path_;    // empty: any
  int lost_answers_left_ = 0;
  std::string lost_method_;  // empty: any
  std::string lost_path_;    // empty: any
  int failure_status_ = 500;
  std::uint64_t next_id_ = 1;
};

}  // namespace slotwise::testing
