// RFC 5545 calendar feed of one business's bookings, for calendar apps to
// subscribe to: UTC times (no VTIMEZONE needed), CRLF line ends, lines
// folded at 75 octets (never inside a UTF-8 sequence), TEXT values escaped,
// stable UIDs "<booking_id>@slotwise", STATUS:CANCELLED for cancelled and
// expired bookings (so subscribers remove them), TENTATIVE for held ones.
//
// Thread safety: pure functions.
// Errors: none.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query-api/read_store.h"

namespace slotwise::query {

// One content line, folded: CRLF + space before octet 76, 151, ...
[[nodiscard]] std::string fold_line(std::string_view line);
// TEXT escaping: backslash, semicolon, comma, newline.
[[nodiscard]] std::string escape_text(std::string_view text);

[[nodiscard]] std::string render_calendar(const BusinessRow& business,
                                          const std::vector<BookingRow>& bookings);

}  // namespace slotwise::query
