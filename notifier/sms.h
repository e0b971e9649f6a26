// SMS delivery behind a provider interface, off unless configured.
//
// SmsProvider: sends one text to one phone number.
// TwilioSms: Twilio's Messages REST shape —
//   POST {base}/2010-04-01/Accounts/{sid}/Messages.json
//   Content-Type: application/x-www-form-urlencoded   To=..&From=..&Body=..
//   Authorization: Basic base64(sid:token)
// with libcurl (RAII handle, reused). 2xx = sent; 4xx (bad number, refused)
// is permanent except 429; 5xx, 429 and transport errors are transient.
//
// Thread safety: one provider instance per thread.
// Errors: DeliveryError (delivery_error.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "notifier/delivery_error.h"

namespace slotwise::notifier {

class SmsProvider {
 public:
  SmsProvider() = default;
  SmsProvider(const SmsProvider&) = delete;
  SmsProvider& operator=(const SmsProvider&) = delete;
  SmsProvider(SmsProvider&&) = delete;
  SmsProvider& operator=(SmsProvider&&) = delete;
  virtual ~SmsProvider() = default;
  [[nodiscard]] virtual DeliveryResult send(const std::string& to, const std::string& body) = 0;
};

struct TwilioOptions {
  std::string base_url = "https://api.twilio.com";
  std::string account_sid;
  std::string auth_token;
  std::string from;  // the sending number, E.164
  std::chrono::milliseconds timeout{10000};
};

class TwilioSms final : public SmsProvider {
 public:
  explicit TwilioSms(TwilioOptions options);
  ~TwilioSms() override;
  TwilioSms(const TwilioSms&) = delete;
  TwilioSms& operator=(const TwilioSms&) = delete;
  TwilioSms(TwilioSms&&) = delete;
  TwilioSms& operator=(TwilioSms&&) = delete;

  [[nodiscard]] DeliveryResult send(const std::string& to, const std::string& body) override;

 private:
  struct Handle;
  TwilioOptions options_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace slotwise::notifier
