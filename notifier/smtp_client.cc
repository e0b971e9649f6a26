#include "notifier/smtp_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "common/curl_handles.h"

namespace slotwise::notifier {
namespace {

struct Upload {
  const std::string* data = nullptr;
  std::size_t at = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t room = size * n;
  const std::size_t left = up->data->size() - up->at;
  const std::size_t len = std::min(room, left);
  std::memcpy(buffer, up->data->data() + up->at, len);
  up->at += len;
  return len;
}

}  // namespace

struct SmtpClient::Handle {
  common::CurlEasy curl{curl_easy_init()};
};

SmtpClient::SmtpClient(SmtpOptions options)
    : options_(std::move(options)), handle_(std::make_unique<Handle>()) {}

SmtpClient::~SmtpClient() = default;

DeliveryResult SmtpClient::send(const std::string& from, const std::string& to,
                                const std::string& message) {
  CURL* c = handle_->curl.get();
  if (c == nullptr) return common::fail(DeliveryError{false, 0, "curl_easy_init failed"});
  curl_easy_reset(c);
  const std::string url = options_.url + "/" + options_.helo_domain;
  const std::string mail_from = "<" + from + ">";
  const common::CurlList rcpt(curl_slist_append(nullptr, ("<" + to + ">").c_str()));
  Upload up{&message};
  std::array<char, CURL_ERROR_SIZE> error{};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_body);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error.data());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  // Opportunistic STARTTLS ("try") would carry on in clear, AUTH included,
  // when the server does not offer it (or a man in the middle strips the
  // offer): with credentials configured, "try" therefore insists on TLS.
  const bool credentials = !options_.username.empty();
  const bool try_insists = options_.starttls == StartTls::kTry && credentials;
  switch (options_.starttls) {
    case StartTls::kOff:
      break;
    case StartTls::kTry:
      curl_easy_setopt(c, CURLOPT_USE_SSL,
                       static_cast<long>(try_insists ? CURLUSESSL_ALL : CURLUSESSL_TRY));
      break;
    case StartTls::kRequired:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.verify_peer) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (credentials) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return common::Unit{};
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string what = error[0] != '\0' ? std::string(error.data()) : curl_easy_strerror(rc);
  if (try_insists && rc == CURLE_USE_SSL_FAILED) {
    what += " (smtp_starttls = try never sends the SMTP credentials in clear)";
  }
  const bool permanent = reply >= 500 && reply < 600;
  return common::fail(DeliveryError{permanent, static_cast<int>(reply), what});
}

}  // namespace slotwise::notifier
