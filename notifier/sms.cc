#include "notifier/sms.h"

#include <curl/curl.h>

#include "common/curl_handles.h"

namespace slotwise::notifier {
namespace {

using common::url_escape;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

}  // namespace

struct TwilioSms::Handle {
  common::CurlEasy curl{curl_easy_init()};
};

TwilioSms::TwilioSms(TwilioOptions options)
    : options_(std::move(options)), handle_(std::make_unique<Handle>()) {}

TwilioSms::~TwilioSms() = default;

DeliveryResult TwilioSms::send(const std::string& to, const std::string& body) {
  CURL* c = handle_->curl.get();
  if (c == nullptr) return common::fail(DeliveryError{false, 0, "curl_easy_init failed"});
  curl_easy_reset(c);
  const std::string url =
      options_.base_url + "/2010-04-01/Accounts/" + options_.account_sid + "/Messages.json";
  const std::string form = "To=" + url_escape(c, to) + "&From=" + url_escape(c, options_.from) +
                           "&Body=" + url_escape(c, body);
  std::string response;
  const common::CurlList headers(
      curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded"));
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(form.size()));
  curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
  curl_easy_setopt(c, CURLOPT_USERNAME, options_.account_sid.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, options_.auth_token.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return common::fail(DeliveryError{false, 0, curl_easy_strerror(rc)});
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return common::Unit{};
  const bool permanent = status >= 400 && status < 500 && status != 429;
  return common::fail(
      DeliveryError{permanent, static_cast<int>(status),
                    "twilio answered " + std::to_string(status) + ": " + response.substr(0, 300)});
}

}  // namespace slotwise::notifier
