#include "tests/support/fake_stripe.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <chrono>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace slotwise::testing {
namespace {

std::string json_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string intent_json(const FakeStripe::Intent& i, const std::string& status) {
  return R"({"id":")" + i.id + R"(","object":"payment_intent","amount":)" +
         std::to_string(i.amount) + R"(,"amount_received":)" +
         std::to_string(status == "succeeded" ? i.amount : 0) + R"(,"currency":")" + i.currency +
         R"(","client_secret":")" + i.client_secret + R"(","status":")" + status +
         R"(","metadata":{"booking_id":")" + json_escape(i.booking_id) + R"(","business_id":")" +
         json_escape(i.business_id) + R"("}})";
}

std::string field(const std::map<std::string, std::string>& form, const std::string& key) {
  auto it = form.find(key);
  return it == form.end() ? std::string() : it->second;
}

std::int64_t amount_of(const std::map<std::string, std::string>& form) {
  const std::string text = field(form, "amount");
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() ? value : 0;
}

std::string charge_of(const std::string& payment_intent) { return "ch_" + payment_intent; }

// A refund object as Stripe answers it; metadata holds only the keys set.
std::string refund_json(const FakeStripe::Refund& r) {
  std::string metadata;
  if (!r.booking_id.empty()) metadata += R"("booking_id":")" + json_escape(r.booking_id) + R"(")";
  if (!r.reason.empty()) {
    if (!metadata.empty()) metadata += ",";
    metadata += R"("reason":")" + json_escape(r.reason) + R"(")";
  }
  const std::string failure =
      r.failure_reason.empty() ? std::string("null") : '"' + json_escape(r.failure_reason) + '"';
  return R"({"id":")" + r.id + R"(","object":"refund","amount":)" + std::to_string(r.amount) +
         R"(,"charge":")" + charge_of(r.payment_intent) + R"(","currency":")" + r.currency +
         R"(","payment_intent":")" + r.payment_intent + R"(","status":")" + r.status +
         R"(","failure_reason":)" + failure + R"(,"metadata":{)" + metadata + "}}";
}

std::string api_error(const std::string& type, const std::string& message) {
  return R"({"error":{"type":")" + type + R"(","message":")" + json_escape(message) + R"("}})";
}

// Stripe's rules for the amounts of its special currencies
// (https://docs.stripe.com/currencies, "Three-decimal currencies" and
// "Special cases"): what an amount of `currency` (lower case) must be a
// multiple of.
std::int64_t amount_multiple(const std::string& currency) {
  if (currency == "isk" || currency == "ugx") return 100;
  for (const char* three : {"bhd", "jod", "kwd", "omr", "tnd"}) {
    if (currency == three) return 10;
  }
  return 1;
}

// Stripe's 400 for an amount it cannot take in `currency`, or nullopt.
std::optional<std::pair<int, std::string>> refuse_amount(std::int64_t amount,
                                                         const std::string& currency) {
  const std::int64_t multiple = amount_multiple(currency);
  if (amount % multiple == 0) return std::nullopt;
  const std::string message = "Invalid amount: amounts in " + currency + " must be divisible by " +
                              std::to_string(multiple) + ".";
  return std::pair<int, std::string>{
      400, R"({"error":{"type":"invalid_request_error","param":"amount","message":")" + message +
               R"("}})"};
}

// The currencies Stripe takes payments in, as https://docs.stripe.com/currencies
// lists them ("Supported presentment currencies", which still names the old
// dobra std, and the five three-decimal currencies of its API); a payment in
// any other is refused.
constexpr std::string_view kCurrencies =
    " usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bif bmd bnd bob brl bsd bwp"
    " byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel"
    " gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jpy kes kgs khr kmf krw kyd kzt"
    " lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok"
    " npr nzd pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos"
    " srd std szl thb tjs top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer"
    " zar zmw bhd jod kwd omr tnd ";

// Stripe's minimum charge ("Minimum charge amount by currency"), as its
// `amount`: 0.50 EUR is 50, 175.00 HUF is 17500, 50 JPY is 50. Currencies
// not listed have none.
const std::map<std::string, std::int64_t>& minimum_charges() {
  static const std::map<std::string, std::int64_t> table = {
      {"usd", 50},  {"aed", 200},   {"ars", 50},   {"aud", 50},  {"brl", 50}, {"cad", 50},
      {"chf", 50},  {"cop", 50},    {"czk", 1500}, {"dkk", 250}, {"eur", 50}, {"gbp", 30},
      {"hkd", 400}, {"huf", 17500}, {"idr", 50},   {"ils", 50},  {"inr", 50}, {"jpy", 50},
      {"krw", 50},  {"mxn", 1000},  {"myr", 200},  {"nok", 300}, {"nzd", 50}, {"php", 50},
      {"pln", 200}, {"ron", 200},   {"rub", 50},   {"sek", 300}, {"sgd", 50}, {"thb", 1000},
      {"zar", 50},
  };
  return table;
}

// How many digits Stripe's `amount` may have ("Maximum charge amounts").
std::size_t maximum_digits(const std::string& currency) {
  if (currency == "idr") return 12;
  if (currency == "cop") return 10;
  if (currency == "inr") return 9;
  return 8;
}

std::string invalid_request(const std::string& param, const std::string& code,
                            const std::string& message) {
  return R"({"error":{"type":"invalid_request_error","param":")" + param + R"(","code":")" + code +
         R"(","message":")" + json_escape(message) + R"("}})";
}

// Stripe's 400 for a payment (not a refund) it cannot take: a currency it
// does not take, an amount below its minimum or above its maximum; nullopt
// when it takes it.
std::optional<std::pair<int, std::string>> refuse_charge(std::int64_t amount,
                                                         const std::string& currency) {
  if (kCurrencies.find(" " + currency + " ") == std::string_view::npos) {
    return std::pair<int, std::string>{
        400, invalid_request("currency", "invalid_currency", "Invalid currency: " + currency)};
  }
  const auto minimum = minimum_charges().find(currency);
  if (minimum != minimum_charges().end() && amount < minimum->second) {
    return std::pair<int, std::string>{
        400, invalid_request(
                 "amount", "amount_too_small",
                 "Amount must be at least " + std::to_string(minimum->second) + " " + currency)};
  }
  if (std::to_string(amount).size() > maximum_digits(currency)) {
    return std::pair<int, std::string>{
        400, invalid_request("amount", "amount_too_large",
                             "Amount must be no more than " +
                                 std::string(maximum_digits(currency), '9') + " " + currency)};
  }
  return std::nullopt;
}

}  // namespace

FakeStripe::FakeStripe(std::string secret_key) : secret_key_(std::move(secret_key)) {
  server_.set_tcp_nodelay(true);
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res);
  };
  server_.Post(R"(/v1/.*)", handler);
  server_.Get(R"(/v1/.*)", handler);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake stripe: cannot bind");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // cpp-httplib 0.11 has no wait_until_ready().
  for (int i = 0; i < 500 && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

FakeStripe::~FakeStripe() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeStripe::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeStripe::handle(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  Call call;
  call.method = req.method;
  call.path = req.path;
  call.idempotency_key = req.get_header_value("Idempotency-Key");
  for (const auto& [k, v] : req.params) call.form[k] = v;
  std::pair<int, std::string> reply;
  const bool keyed = req.method == "POST" && !call.idempotency_key.empty();
  const bool failing_call = (fail_method_.empty() || fail_method_ == call.method) &&
                            (fail_path_.empty() || fail_path_ == call.path);
  if (req.get_header_value("Authorization") != "Bearer " + secret_key_) {
    reply = {401, api_error("invalid_request_error", "Invalid API Key provided")};
  } else if (failures_left_ > 0 && failing_call) {
    --failures_left_;
    reply = {failure_status_, api_error("api_error", "simulated failure")};
    // Stripe saves a 500 of an endpoint it began to run under the key and
    // answers it again for 24 hours; a key already answered keeps that.
    if (keyed && failure_status_ == 500) replies_by_key_.try_emplace(call.idempotency_key, reply);
  } else if (auto it = replies_by_key_.find(call.idempotency_key);
             keyed && it != replies_by_key_.end()) {
    reply = it->second;
  } else {
    reply = route(call);
    if (keyed && reply.first == 200) replies_by_key_[call.idempotency_key] = reply;
    const bool lost_call = (lost_method_.empty() || lost_method_ == call.method) &&
                           (lost_path_.empty() || lost_path_ == call.path);
    if (lost_answers_left_ > 0 && lost_call) {
      --lost_answers_left_;
      reply = {500, api_error("api_error", "simulated lost answer")};
    }
  }
  call.status = reply.first;
  calls_.push_back(call);
  res.status = reply.first;
  res.set_content(reply.second, "application/json");
}

std::pair<int, std::string> FakeStripe::route(const Call& call) {
  static const std::string kIntentPrefix = "/v1/payment_intents/";
  if (call.method == "POST" && call.path == "/v1/payment_intents") return create_intent(call);
  if (call.method == "POST" && call.path == "/v1/refunds") return create_refund(call);
  if (call.method == "GET" && call.path == "/v1/refunds") return list_refunds(call);
  if (call.method == "GET" && call.path.rfind(kIntentPrefix, 0) == 0) {
    auto it = intents_.find(call.path.substr(kIntentPrefix.size()));
    if (it == intents_.end()) {
      return {404, api_error("invalid_request_error", "No such payment_intent")};
    }
    return {200, intent_json(it->second, "requires_payment_method")};
  }
  return {404, api_error("invalid_request_error", "Unrecognized request URL")};
}

std::pair<int, std::string> FakeStripe::create_intent(const Call& call) {
  Intent i;
  i.id = "pi_fake" + std::to_string(next_id_++);
  i.client_secret = i.id + "_secret_fake";
  i.amount = amount_of(call.form);
  i.currency = field(call.form, "currency");
  i.booking_id = field(call.form, "metadata[booking_id]");
  i.business_id = field(call.form, "metadata[business_id]");
  if (i.amount <= 0 || i.currency.empty() ||
      field(call.form, "automatic_payment_methods[enabled]") != "true") {
    return {400, api_error("invalid_request_error", "missing amount, currency or methods")};
  }
  if (auto refused = refuse_charge(i.amount, i.currency)) return *refused;
  if (auto refused = refuse_amount(i.amount, i.currency)) return *refused;
  intents_[i.id] = i;
  return {200, intent_json(i, "requires_payment_method")};
}

std::pair<int, std::string> FakeStripe::create_refund(const Call& call) {
  Refund r;
  r.id = "re_fake" + std::to_string(next_id_++);
  r.payment_intent = field(call.form, "payment_intent");
  r.amount = amount_of(call.form);
  r.reason = field(call.form, "metadata[reason]");
  r.booking_id = field(call.form, "metadata[booking_id]");
  const auto intent = intents_.find(r.payment_intent);
  if (intent == intents_.end() || r.amount <= 0) {
    return {400, api_error("invalid_request_error", "bad refund")};
  }
  // Stripe refunds at most what is left of the charge; a refund that
  // failed or was canceled gave its amount back to it.
  std::int64_t left = intent->second.amount;
  for (const auto& other : refunds_) {
    const bool counts = other.status != "failed" && other.status != "canceled";
    if (other.payment_intent == r.payment_intent && counts) left -= other.amount;
  }
  if (r.amount > left) {
    return {400, api_error("invalid_request_error",
                           "Refund amount (" + std::to_string(r.amount) +
                               ") is greater than unrefunded amount on charge (" +
                               std::to_string(left) + ")")};
  }
  r.currency = intent->second.currency;
  if (auto refused = refuse_amount(r.amount, r.currency)) return *refused;
  refunds_.push_back(r);
  return {200, refund_json(r)};
}

std::pair<int, std::string> FakeStripe::list_refunds(const Call& call) const {
  const std::string charge = field(call.form, "charge");
  const std::string intent = field(call.form, "payment_intent");
  std::int64_t limit = 10;
  if (const std::string text = field(call.form, "limit"); !text.empty()) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc{} || end != text.data() + text.size() || limit < 1 || limit > 100) {
      return {400, api_error("invalid_request_error", "Invalid limit")};
    }
  }
  const std::string after = field(call.form, "starting_after");
  // Newest first; a page starts after `starting_after`.
  std::vector<const Refund*> matching;
  bool started = after.empty();
  for (auto it = refunds_.rbegin(); it != refunds_.rend(); ++it) {
    if (!started) {
      started = it->id == after;
      continue;
    }
    if ((charge.empty() || charge_of(it->payment_intent) == charge) &&
        (intent.empty() || it->payment_intent == intent)) {
      matching.push_back(&*it);
    }
  }
  if (!started) return {400, api_error("invalid_request_error", "No such refund: " + after)};
  const bool more = static_cast<std::int64_t>(matching.size()) > limit;
  if (more) matching.resize(static_cast<std::size_t>(limit));
  std::string data;
  for (const Refund* r : matching) {
    if (!data.empty()) data += ",";
    data += refund_json(*r);
  }
  return {200, R"({"object":"list","url":"/v1/refunds","has_more":)" +
                   std::string(more ? "true" : "false") + R"(,"data":[)" + data + "]}"};
}

FakeStripe::Refund FakeStripe::add_refund(Refund refund) {
  std::lock_guard<std::mutex> lock(mu_);
  if (refund.id.empty()) refund.id = "re_fake" + std::to_string(next_id_++);
  if (auto it = intents_.find(refund.payment_intent); it != intents_.end()) {
    refund.currency = it->second.currency;
  }
  refunds_.push_back(refund);
  return refund;
}

FakeStripe::Refund FakeStripe::fail_refund(const std::string& refund_id,
                                           const std::string& failure_reason,
                                           const std::string& status) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Refund& r : refunds_) {
    if (r.id != refund_id) continue;
    r.status = status;
    r.failure_reason = status == "failed" ? failure_reason : std::string();
    return r;
  }
  throw std::runtime_error("fake stripe: no refund " + refund_id);
}

std::vector<FakeStripe::Call> FakeStripe::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

std::size_t FakeStripe::count(const std::string& method, const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t n = 0;
  for (const auto& c : calls_) n += c.method == method && c.path == path ? 1 : 0;
  return n;
}

std::optional<FakeStripe::Intent> FakeStripe::intent_for_booking(
    const std::string& booking_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, i] : intents_) {
    if (i.booking_id == booking_id) return i;
  }
  return std::nullopt;
}

std::vector<FakeStripe::Refund> FakeStripe::refunds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refunds_;
}

void FakeStripe::fail_next(int n, int status, std::string method, std::string path) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_left_ = n;
  failure_status_ = status;
  fail_method_ = std::move(method);
  fail_path_ = std::move(path);
}

void FakeStripe::lose_next_answers(int n, std::string method, std::string path) {
  std::lock_guard<std::mutex> lock(mu_);
  lost_answers_left_ = n;
  lost_method_ = std::move(method);
  lost_path_ = std::move(path);
}

void FakeStripe::forget_idempotency_keys() {
  std::lock_guard<std::mutex> lock(mu_);
  replies_by_key_.clear();
}

std::string FakeStripe::intent_event(const std::string& event_id, const std::string& type,
                                     const Intent& intent) {
  const bool succeeded = type == "payment_intent.succeeded";
  std::string object = intent_json(intent, succeeded ? "succeeded" : "requires_payment_method");
  if (!succeeded) {
    object.pop_back();
    object +=
        R"(,"last_payment_error":{"code":"card_declined","message":"Your card was declined."}})";
  }
  return R"({"id":")" + event_id + R"(","object":"event","api_version":"2024-06-20","type":")" +
         type + R"(","livemode":false,"data":{"object":)" + object + "}}";
}

std::string FakeStripe::charge_refunded_event(const std::string& event_id, const Intent& intent,
                                              const std::vector<Refund>& refunds) {
  std::string list;
  std::int64_t total = 0;
  for (const auto& r : refunds) {
    if (!list.empty()) list += ",";
    list += R"({"id":")" + r.id + R"(","object":"refund","amount":)" + std::to_string(r.amount) +
            R"(,"currency":")" + intent.currency + R"(","metadata":{"reason":")" + r.reason +
            R"("}})";
    total += r.amount;
  }
  return R"({"id":")" + event_id +
         R"(","object":"event","type":"charge.refunded","data":{"object":{"id":")" +
         charge_of(intent.id) + R"(","object":"charge","payment_intent":")" + intent.id +
         R"(","amount":)" + std::to_string(intent.amount) + R"(,"amount_refunded":)" +
         std::to_string(total) + R"(,"currency":")" + intent.currency +
         R"(","metadata":{"booking_id":")" + intent.booking_id +
         R"("},"refunds":{"object":"list","data":[)" + list + "]}}}}";
}

std::string FakeStripe::charge_refunded_event_unlisted(const std::string& event_id,
                                                       const Intent& intent,
                                                       std::int64_t amount_refunded) {
  return R"({"id":")" + event_id +
         R"(","object":"event","api_version":"2024-06-20","type":"charge.refunded",)"
         R"("data":{"object":{"id":")" +
         charge_of(intent.id) + R"(","object":"charge","payment_intent":")" + intent.id +
         R"(","amount":)" + std::to_string(intent.amount) + R"(,"amount_refunded":)" +
         std::to_string(amount_refunded) + R"(,"currency":")" + intent.currency +
         R"(","metadata":{},"refunded":)" + (amount_refunded >= intent.amount ? "true" : "false") +
         "}}}";
}

std::string FakeStripe::refund_event(const std::string& event_id, const std::string& type,
                                     const Refund& refund) {
  return R"({"id":")" + event_id + R"(","object":"event","api_version":"2024-06-20","type":")" +
         type + R"(","livemode":false,"data":{"object":)" + refund_json(refund) +
         R"(,"previous_attributes":{"status":"succeeded"}}})";
}

std::string FakeStripe::signature_header(const std::string& secret, std::int64_t timestamp,
                                         const std::string& payload) {
  const std::string signed_payload = std::to_string(timestamp) + "." + payload;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_payload.data()), signed_payload.size(),
       mac.data(), &size);
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[mac[i] >> 4U];
    hex += kHex[mac[i] & 0x0FU];
  }
  return "t=" + std::to_string(timestamp) + ",v1=" + hex;
}

int FakeStripe::deliver(int port, const std::string& payload, const std::string& signature) {
  httplib::Client client("127.0.0.1", port);
  client.set_tcp_nodelay(true);
  client.set_read_timeout(std::chrono::seconds(30));
  auto r = client.Post("/v1/webhooks/stripe", {{"Stripe-Signature", signature}}, payload,
                       "application/json; charset=utf-8");
  return r ? r->status : 0;
}

}  // namespace slotwise::testing
