#include "command-side/stripe_client.h"

#include <curl/curl.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <string>

#include "command-side/stripe_json.h"
#include "common/curl_handles.h"
#include "domain/stripe_amount.h"

namespace slotwise::command {
namespace {

// The one place curl's codes become StripeErrors.
StripeError from_curl(CURLcode code) {
  StripeError e;
  e.code = StripeError::Code::kUnavailable;
  e.message = std::string("stripe: ") + curl_easy_strerror(code);
  return e;
}

void ensure_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { (void)curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

StripeError bad_response(const std::string& what) {
  return StripeError{StripeError::Code::kBadResponse, 0, "stripe: " + what};
}

common::Result<rapidjson::Document, StripeError> parse_object(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject())
    return common::fail(bad_response("reply is not JSON"));
  return doc;
}

StripeResult<StripePaymentIntent> intent_from(const std::string& body) {
  auto doc = parse_object(body);
  if (!doc) return common::fail(doc.error());
  return intent_from_json(&doc.value());
}

// Stripe's `amount` of `currency` in SlotWise minor units.
StripeResult<std::int64_t> slotwise_amount(std::int64_t amount, const std::string& currency) {
  auto minor = domain::from_stripe_amount(amount, currency);
  if (!minor) return common::fail(bad_response(minor.error().message));
  return minor.value();
}

// `minor` SlotWise minor units of `currency` as Stripe's `amount` of a
// charge (`charge`: within Stripe's minimum and maximum too) or a refund (no
// minimum); refused before anything is sent when Stripe cannot take it.
StripeResult<std::string> stripe_amount(std::int64_t minor, const std::string& currency,
                                        bool charge) {
  auto amount = charge ? domain::to_stripe_charge_amount(minor, currency)
                       : domain::to_stripe_amount(minor, currency);
  if (!amount) {
    return common::fail(StripeError{StripeError::Code::kRejected, 0,
                                    "stripe: not sent: " + amount.error().message});
  }
  return std::to_string(amount.value());
}

// Stripe's ids are letters, digits and '_': anything else in a path or a
// query would address something else.
bool is_stripe_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

// Stripe pages at most 100 items; 100 pages of refunds of one charge is
// far beyond any real one, so more means a reply that never ends.
constexpr int kMaxRefundPages = 100;

// The key of try `attempt` of the call whose first key is `first`.
std::string attempt_key(std::string first, std::uint32_t attempt) {
  if (attempt > 0) first += "-" + std::to_string(attempt);
  return first;
}

}  // namespace

std::string payment_intent_idempotency_key(const std::string& booking_id, std::uint32_t attempt) {
  return attempt_key("pi-" + booking_id, attempt);
}

std::string refund_idempotency_key(const std::string& booking_id, const std::string& reason,
                                   std::uint32_t attempt) {
  return attempt_key("refund-" + booking_id + "-" + reason, attempt);
}

bool spends_idempotency_key(const StripeError& error) { return error.http_status == 500; }

StripeResult<StripeRefund> refund_from_json(const rapidjson::Value* object,
                                            const std::string& currency) {
  StripeRefund refund;
  refund.id = string_at(object, "id");
  refund.status = string_at(object, "status");
  refund.booking_id = string_at(member(object, "metadata"), "booking_id");
  refund.reason = string_at(member(object, "metadata"), "reason");
  refund.failure_reason = string_at(object, "failure_reason");
  refund.payment_intent = string_at(object, "payment_intent");
  refund.currency = string_at(object, "currency");
  if (refund.currency.empty()) refund.currency = currency;
  auto amount = slotwise_amount(int_at(object, "amount"), refund.currency);
  if (!amount) return common::fail(amount.error());
  refund.amount_minor = amount.value();
  return refund;
}

StripeResult<StripePaymentIntent> intent_from_json(const rapidjson::Value* object) {
  StripePaymentIntent pi;
  pi.id = string_at(object, "id");
  pi.client_secret = string_at(object, "client_secret");
  pi.status = string_at(object, "status");
  pi.currency = string_at(object, "currency");
  pi.booking_id = string_at(member(object, "metadata"), "booking_id");
  if (pi.id.empty()) return common::fail(bad_response("payment intent without id"));
  auto amount = slotwise_amount(int_at(object, "amount"), pi.currency);
  if (!amount) return common::fail(amount.error());
  auto received = slotwise_amount(int_at(object, "amount_received"), pi.currency);
  if (!received) return common::fail(received.error());
  pi.amount_minor = amount.value();
  pi.amount_received_minor = received.value();
  return pi;
}

StripeClient::StripeClient(StripeClientOptions options) : options_(std::move(options)) {
  ensure_global_init();
  while (!options_.api_base.empty() && options_.api_base.back() == '/')
    options_.api_base.pop_back();
}

StripeResult<StripeClient::HttpReply> StripeClient::call(const char* method,
                                                         const std::string& path, const Form& form,
                                                         const std::string& idempotency_key) const {
  common::CurlEasy curl(curl_easy_init());
  if (!curl) return common::fail(from_curl(CURLE_FAILED_INIT));
  std::string body;
  for (const auto& [key, value] : form) {
    if (!body.empty()) body += '&';
    body += common::url_escape(curl.get(), key) + "=" + common::url_escape(curl.get(), value);
  }
  common::CurlList headers;
  const auto add_header = [&headers](const std::string& h) {
    curl_slist* next = curl_slist_append(headers.get(), h.c_str());
    if (next != nullptr) {
      (void)headers.release();
      headers.reset(next);
    }
  };
  add_header("Authorization: Bearer " + options_.secret_key);
  if (!idempotency_key.empty()) add_header("Idempotency-Key: " + idempotency_key);
  const std::string url = options_.api_base + path;
  HttpReply reply;
  CURL* h = curl.get();
  (void)curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(options_.connect_timeout.count()));
  (void)curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  (void)curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  (void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &append_body);
  (void)curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
  if (std::string_view(method) == "POST") {
    (void)curl_easy_setopt(h, CURLOPT_POST, 1L);
    (void)curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    (void)curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  } else {
    (void)curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) return common::fail(from_curl(rc));
  (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
  if (reply.status >= 200 && reply.status < 300) return reply;
  StripeError e;
  e.http_status = static_cast<int>(reply.status);
  e.code = reply.status == 429 || reply.status >= 500 ? StripeError::Code::kUnavailable
                                                      : StripeError::Code::kRejected;
  std::string message;
  if (auto doc = parse_object(reply.body); doc) {
    message = string_at(member(&doc.value(), "error"), "message");
  }
  e.message = "stripe: HTTP " + std::to_string(reply.status) +
              (message.empty() ? std::string() : ": " + message);
  return common::fail(std::move(e));
}

StripeResult<StripePaymentIntent> StripeClient::create_payment_intent(
    const PaymentIntentRequest& request) const {
  std::string currency = request.currency;
  std::transform(currency.begin(), currency.end(), currency.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto amount = stripe_amount(request.amount_minor, currency, /*charge=*/true);
  if (!amount) return common::fail(amount.error());
  const Form form{{"amount", *amount},
                  {"currency", currency},
                  {"metadata[booking_id]", request.booking_id},
                  {"metadata[business_id]", request.business_id},
                  {"automatic_payment_methods[enabled]", "true"}};
  auto reply = call("POST", "/v1/payment_intents", form,
                    payment_intent_idempotency_key(request.booking_id, request.attempt));
  if (!reply) return common::fail(reply.error());
  return intent_from(reply->body);
}

StripeResult<StripePaymentIntent> StripeClient::retrieve_payment_intent(
    const std::string& payment_intent_id) const {
  if (!is_stripe_id(payment_intent_id)) {
    return common::fail(
        StripeError{StripeError::Code::kRejected, 0, "stripe: malformed payment intent id"});
  }
  auto reply = call("GET", "/v1/payment_intents/" + payment_intent_id, {}, "");
  if (!reply) return common::fail(reply.error());
  return intent_from(reply->body);
}

StripeResult<StripeRefund> StripeClient::create_refund(
    const std::string& payment_intent_id, std::int64_t amount_minor, const std::string& currency,
    const std::string& booking_id, const std::string& reason, std::uint32_t attempt) const {
  auto amount = stripe_amount(amount_minor, currency, /*charge=*/false);
  if (!amount) return common::fail(amount.error());
  const Form form{{"payment_intent", payment_intent_id},
                  {"amount", *amount},
                  {"metadata[booking_id]", booking_id},
                  {"metadata[reason]", reason}};
  auto reply =
      call("POST", "/v1/refunds", form, refund_idempotency_key(booking_id, reason, attempt));
  if (!reply) return common::fail(reply.error());
  auto doc = parse_object(reply->body);
  if (!doc) return common::fail(doc.error());
  auto refund = refund_from_json(&doc.value(), currency);
  if (!refund) return common::fail(refund.error());
  if (refund->id.empty()) return common::fail(bad_response("refund without id"));
  return refund;
}

StripeResult<std::vector<StripeRefund>> StripeClient::list_refunds(
    const std::string& charge_id) const {
  return list_refunds_by("charge", charge_id);
}

StripeResult<std::vector<StripeRefund>> StripeClient::list_intent_refunds(
    const std::string& payment_intent_id) const {
  return list_refunds_by("payment_intent", payment_intent_id);
}

StripeResult<std::vector<StripeRefund>> StripeClient::list_refunds_by(const char* filter,
                                                                      const std::string& id) const {
  if (!is_stripe_id(id)) {
    return common::fail(StripeError{StripeError::Code::kRejected, 0,
                                    std::string("stripe: malformed ") + filter + " id"});
  }
  std::vector<StripeRefund> refunds;
  std::string after;
  for (int page = 0; page < kMaxRefundPages; ++page) {
    std::string path = std::string("/v1/refunds?") + filter + "=" + id + "&limit=100";
    if (!after.empty()) path += "&starting_after=" + after;
    auto reply = call("GET", path, {}, "");
    if (!reply) return common::fail(reply.error());
    auto doc = parse_object(reply->body);
    if (!doc) return common::fail(doc.error());
    const rapidjson::Value* data = member(&doc.value(), "data");
    if (data == nullptr || !data->IsArray()) {
      return common::fail(bad_response("refund list without data"));
    }
    for (const auto& item : data->GetArray()) {
      auto refund = refund_from_json(&item);
      if (!refund) return common::fail(refund.error());
      refunds.push_back(std::move(*refund));
    }
    const rapidjson::Value* more = member(&doc.value(), "has_more");
    if (more == nullptr || !more->IsBool() || !more->GetBool()) return refunds;
    // The next page starts after this page's last refund.
    if (data->Empty() || !is_stripe_id(refunds.back().id)) {
      return common::fail(bad_response("refund list page without a last id"));
    }
    after = refunds.back().id;
  }
  return common::fail(
      bad_response("refund list longer than " + std::to_string(kMaxRefundPages) + " pages"));
}

}  // namespace slotwise::command
