// NotifierSettings: everything slotwise-notifier reads from its config file
// and SLOTWISE_* environment overrides (service/config.h); every key is
// documented in docs/notifier.md. Email is off when smtp_url is empty (the
// planner still records planned rows; they are sent once SMTP is
// configured); SMS is off unless sms_provider = twilio. Links in the emails
// (links.h) are off unless public_base_url is set; then manage_key_file (the
// command side's JWT secret file) is read here, at start.
//
// Thread safety: plain values.
// Errors: ConfigError naming the key and what is wrong (unknown keys in the
// file, bad numbers, durations, or enum values; a public_base_url that is no
// http(s) URL, or set without a readable manage_key_file of >= 32 bytes).
#pragma once

#include <string>

#include "events/event_store.h"
#include "notifier/planner.h"
#include "notifier/sender.h"
#include "notifier/sms.h"
#include "notifier/smtp_client.h"
#include "service/config.h"

namespace slotwise::notifier {

struct NotifierSettings {
  events::StoreOptions store;
  PlannerOptions planner;
  SenderOptions sender;
  SmtpOptions smtp;
  std::string sms_provider;  // "" (off) or "twilio"
  TwilioOptions twilio;
  int sender_threads = 1;
  std::string http_host = "127.0.0.1";
  int http_port = 8084;
};

// "24h,2h" -> {24h, 2h}; each an integer with unit s, m or h.
[[nodiscard]] service::ConfigResult<std::vector<std::chrono::seconds>> parse_offsets(
    std::string_view text);

[[nodiscard]] service::ConfigResult<NotifierSettings> load_settings(const service::Config& config);

}  // namespace slotwise::notifier
