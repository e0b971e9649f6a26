// Links: the web app's pages a notification points to (docs/notifier.md):
//   manage     {public_base_url}/manage/{booking_id}#token={manage_token}
//              (the client's confirmation, reschedule notice, reminders)
//   dashboard  {public_base_url}/dashboard/bookings/{booking_id} (owner notices)
//   book_again {public_base_url}/{slug} (the client's cancellation notice)
// The manage token is the one the command side answered when the booking was
// made: auth::derive_manage_token with the same key (the JWT secret file).
// It travels in the fragment because browsers never send a fragment to a
// server: it stays out of web-server and proxy logs and Referer headers;
// the web app reads it and sends it as X-Manage-Token (ADR 0009).
// Booking ids, slugs and tokens are URL-safe as the log holds them (base62,
// [a-z0-9-], base64url), so nothing needs percent-encoding.
//
// Thread safety: pure functions.
// Errors: none; a link that cannot be made is empty (and left out).
#pragma once

#include <string>

namespace slotwise::notifier {

struct LinkOptions {
  std::string public_base_url;  // "" = no links; no trailing '/'
  std::string manage_key;       // derives manage tokens (>= 32 bytes when links are on)
};

struct Links {
  std::string manage;
  std::string dashboard;
  std::string book_again;
};

// The links of one booking. `slug` is "" when the notifier does not know it
// (no book_again link). A token the key cannot derive (a key shorter than
// 32 bytes, which load_settings refuses) leaves `manage` empty rather than
// stop planning: the email is still worth sending without it.
[[nodiscard]] Links links_for(const LinkOptions& options, const std::string& booking_id,
                              const std::string& slug);

}  // namespace slotwise::notifier
