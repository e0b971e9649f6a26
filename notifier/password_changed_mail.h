// The password-change security notice (kind password_changed, ADR 0009):
// for an account's PasswordChanged, one email to the account's address as
// the notifier mirrored it from UserRegistered, so an owner whose account
// was taken over learns of it. It says when (UTC: the account has no zone),
// whether by the signed-in owner or through a reset link (the event's
// reset_request_id), and where to reset the password:
//   {public_base_url}/forgot-password
// (the web app's page that asks for a reset link, POST
// /v1/auth/password-reset); without public_base_url the sentence has no
// link. It holds no token, password, hash or reset request id: it is worth
// nothing to whoever reads it, the outbox row included.
//
// Once per PasswordChanged: the account's mirror row counts the changes
// applied and keeps the last one's position (sequence, index in the
// commit), as a booking's row does; an event at or below it (the log
// planned again) is ignored, and the row id
// "<user_id>.password_changed.<count>" is inserted ON CONFLICT DO NOTHING.
//
// Thread safety: pure functions, except plan_password_changed, which uses
// the caller's transaction (one thread).
// Errors: libpqxx exceptions propagate to the caller (the planner's
// guarded batch); an account the notifier never saw gets no notice.
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <string>

#include "domain/instant.h"
#include "notifier/links.h"
#include "notifier/plan_writer.h"
#include "notifier/templates.h"
#include "slotwise/events/v1/account.pb.h"

namespace slotwise::notifier {

// "{public_base_url}/forgot-password"; "" without public_base_url.
[[nodiscard]] std::string forgot_password_link(const LinkOptions& options);

// Subject, text and HTML of the notice to `name` that the password was
// changed at `changed_at`, through a reset link when `by_reset`; `link` ""
// leaves the link out.
[[nodiscard]] Rendered render_password_changed(const std::string& name, domain::Instant changed_at,
                                               bool by_reset, const std::string& link);

// Where the event lies in the log, and its commit's facts.
struct EventPlace {
  std::uint64_t sequence = 0;
  int event_index = 0;
  domain::Instant committed{};
  std::string trace_id;
};

// Plans the notice of `event` in `tx`; returns the rows inserted (0 or 1).
[[nodiscard]] std::uint64_t plan_password_changed(
    pqxx::work& tx, const PlanOptions& options, const slotwise::events::v1::PasswordChanged& event,
    const EventPlace& place);

}  // namespace slotwise::notifier
