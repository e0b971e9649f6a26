// MIME (RFC 5322 / 2045-2047) rendering of one notification email:
//
//   multipart/mixed
//     multipart/alternative
//       text/plain; charset=UTF-8   (base64)
//       text/html; charset=UTF-8    (base64)
//     text/calendar; method=...; charset=UTF-8, attachment "booking.ics"
//                                   (only when `ics` is not empty)
//
// Header values with non-ASCII characters are RFC 2047 encoded words
// (=?UTF-8?B?...?=); display names are encoded, addresses are not. Lines end
// in CRLF; body parts are base64 wrapped at 76 columns, so no line is ever
// too long and no content can end the SMTP DATA early.
// Boundaries are derived from the Message-ID, so the same email renders to
// the same bytes every time (deterministic messages, docs/adr/0009).
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace slotwise::notifier {

struct Mailbox {
  std::string name;     // display name, may be empty or non-ASCII
  std::string address;  // plain ASCII addr-spec
};

struct Email {
  Mailbox from;
  Mailbox to;
  std::string subject;
  std::string message_id;  // "<id@domain>"
  std::string date;        // RFC 5322 date, e.g. "Wed, 25 Nov 2026 22:00:00 +0000"
  std::string text;
  std::string html;
  std::string ics;  // empty: no attachment
  std::string ics_method = "PUBLISH";
};

// RFC 2047 B-encoding when `value` is not plain printable ASCII.
[[nodiscard]] std::string encode_header_value(std::string_view value);
[[nodiscard]] std::string format_mailbox(const Mailbox& m);
// Base64 wrapped at 76 columns with CRLF.
[[nodiscard]] std::string base64_lines(std::string_view data);
[[nodiscard]] std::string render_mime(const Email& email);

// `message` (render_mime's output) with the decoded body of each base64
// part passed through `edit` and encoded again as render_mime does, headers
// and boundaries untouched: a part `edit` leaves as it is keeps its bytes.
// The sender fills a link's token in this way (link_token.h).
[[nodiscard]] std::string edit_parts(std::string_view message,
                                     const std::function<void(std::string&)>& edit);

}  // namespace slotwise::notifier
