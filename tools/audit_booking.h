// `slotwise audit booking <id>`: the full history of one booking — who did
// what and when. Scans the calendar category (or one business's calendar
// with --business) for events whose booking_id is the id, and adds the
// booking's payment aggregate (sw.evt.payment.<id>). Each line names the
// sequence, commit time, actor (the event's *_by actor, else the commit's),
// event type and details.
//
// Thread safety: runs on the CLI's thread.
// Errors: exit 2 invalid id, 1 no event mentions the booking, 3 NATS
// unreachable.
#pragma once

#include <string>

#include "tools/cli_context.h"

namespace slotwise::tools {

struct BookingAuditOptions {
  std::string booking_id;
  std::string business_id;  // optional: narrows the scan to one calendar
};

[[nodiscard]] int audit_booking(const CliContext& ctx, const BookingAuditOptions& opts);

}  // namespace slotwise::tools
