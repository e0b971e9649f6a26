#include "notifier/password_changed_mail.h"

#include <date/date.h>

#include "notifier/mime.h"
#include "notifier/notification.h"

namespace slotwise::notifier {
namespace {

using domain::Instant;

// As plan_writer.cc writes them: the commit time, never the wall clock.
std::string pg_time(Instant t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }
std::string rfc5322(Instant t) { return date::format("%a, %d %b %Y %H:%M:%S +0000", t); }

std::string how_changed(bool by_reset) {
  return by_reset ? "through a password reset link sent to this email address"
                  : "by someone signed in with the current password";
}

}  // namespace

std::string forgot_password_link(const LinkOptions& options) {
  if (options.public_base_url.empty()) return {};
  return options.public_base_url + "/forgot-password";
}

Rendered render_password_changed(const std::string& name, Instant changed_at, bool by_reset,
                                 const std::string& link) {
  const std::string when = format_in_zone(changed_at, "UTC");
  const std::string how = how_changed(by_reset);
  Rendered r;
  r.subject = "Your SlotWise password was changed";
  r.text = "Hello " + name +
           ",\n\n"
           "the password of your SlotWise account was changed on " +
           when + ", " + how +
           ".\n\n"
           "If this was you, there is nothing to do.\n"
           "If this wasn't you, reset your password now" +
           (link.empty() ? std::string(".") : ": " + link) + "\n";
  r.html = "<p>Hello " + html_escape(name) +
           ",</p>\n"
           "<p>the password of your SlotWise account was changed on " +
           html_escape(when) + ", " + how +
           ".</p>\n"
           "<p>If this was you, there is nothing to do.</p>\n"
           "<p>If this wasn't you, " +
           (link.empty() ? std::string("reset your password now.")
                         : "<a href=\"" + html_escape(link) + "\">reset your password now</a>.") +
           "</p>\n";
  return r;
}

std::uint64_t plan_password_changed(pqxx::work& tx, const PlanOptions& options,
                                    const slotwise::events::v1::PasswordChanged& event,
                                    const EventPlace& place) {
  // Counts the change and records its position in one step, only when the
  // row has not seen it: a replayed change plans nothing (its sent notice
  // may be gone with the retention, so the row id alone would not stop it).
  const pqxx::result user = tx.exec_params(
      "UPDATE notifier_users SET password_changes = password_changes + 1,"
      " applied_sequence = $2::bigint, applied_event = $3::int"
      " WHERE user_id = $1 AND (applied_sequence, applied_event) < ($2::bigint, $3::int)"
      " RETURNING email, name, password_changes",
      event.user_id(), place.sequence, place.event_index);
  if (user.empty() || user[0][0].as<std::string>().empty()) return 0;
  const auto name = user[0][1].as<std::string>();
  const std::string id =
      event.user_id() + ".password_changed." + std::to_string(user[0][2].as<int>());
  const Instant changed_at = event.has_changed_at()
                                 ? Instant{std::chrono::seconds{event.changed_at().seconds()}}
                                 : place.committed;
  const Rendered r = render_password_changed(name, changed_at, !event.reset_request_id().empty(),
                                             forgot_password_link(options.links));
  Email mail;
  mail.from = options.from;
  mail.to = Mailbox{name, user[0][0].as<std::string>()};
  mail.subject = r.subject;
  mail.message_id = message_id(id, options.message_id_domain);
  mail.date = rfc5322(place.committed);
  mail.text = r.text;
  mail.html = r.html;
  // No business or booking, as password_reset: no owner's list shows it.
  const pqxx::result inserted = tx.exec_params(
      "INSERT INTO notifications (id, business_id, booking_id, kind, channel, revision, recipient,"
      " subject, message, due_at, next_attempt_at, planned_seq, trace_id)"
      " VALUES ($1,'','','password_changed','email',0,$2,$3,$4,$5::timestamptz,$5::timestamptz,"
      "$6,$7) ON CONFLICT (id) DO NOTHING RETURNING id",
      id, mail.to.address, r.subject, render_mime(mail), pg_time(place.committed), place.sequence,
      place.trace_id);
  return inserted.size();
}

}  // namespace slotwise::notifier
