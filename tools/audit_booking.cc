#include "tools/audit_booking.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <vector>

#include "events/event_codec.h"
#include "tools/commit_json.h"
#include "tools/json_out.h"

namespace slotwise::tools {

namespace {

struct Entry {
  events::StoredCommit commit;
  EventJson event;
  std::string actor;
};

// The booking id an event is about, or "" when it has none.
std::string booking_of(const google::protobuf::Message& m) {
  const auto* field = m.GetDescriptor()->FindFieldByName("booking_id");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return {};
  }
  return m.GetReflection()->GetString(m, field);
}

// The event's own actor field (created_by, cancelled_by, …), if set.
std::optional<std::string> actor_of(const google::protobuf::Message& m) {
  const auto* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->message_type() == slotwise::events::v1::Actor::descriptor() && !f->is_repeated() &&
        m.GetReflection()->HasField(m, f)) {
      const auto* actor =
          dynamic_cast<const slotwise::events::v1::Actor*>(&m.GetReflection()->GetMessage(m, f));
      if (actor != nullptr) return describe_actor(*actor);
    }
  }
  return std::nullopt;
}

std::string status_after(const std::string& type, const std::string& current) {
  const std::string name = type.substr(type.rfind('.') + 1);
  if (name == "BookingTentativelyCreated") return "tentative";
  if (name == "BookingConfirmed") return "confirmed";
  if (name == "BookingCancelled") return "cancelled";
  if (name == "BookingExpired") return "expired";
  if (name == "BookingCompleted") return "completed";
  if (name == "BookingMarkedNoShow") return "no_show";
  return current;
}

// Adds the commit's events about the booking (all of them with `all_events`)
// to `out`; returns how many events could not be decoded (each reported on
// stderr: whether they mention the booking is unknown).
std::uint64_t collect(const events::StoredCommit& c, const std::string& booking_id, bool all_events,
                      std::vector<Entry>& out) {
  std::uint64_t skipped = 0;
  int index = 0;
  for (const auto& rec : c.commit.events()) {
    auto message = events::unpack(rec.payload());
    const int i = index++;
    if (!message) {
      print_error("skipping undecodable event " + std::to_string(i) +
                  " of the commit at sequence " + std::to_string(c.sequence) + " (" + c.subject +
                  "): " + message.error().describe());
      ++skipped;
      continue;
    }
    if (!all_events && booking_of(*message.value()) != booking_id) continue;
    Entry e;
    e.commit = c;
    e.event = events_of(c)[static_cast<std::size_t>(i)];
    e.actor = actor_of(*message.value()).value_or(describe_actor(c.commit.actor()));
    out.push_back(std::move(e));
  }
  return skipped;
}

void print_history(const std::string& booking_id, const std::string& status,
                   const std::vector<Entry>& entries) {
  std::cout << "booking " << booking_id << ": " << entries.size() << " events, status " << status
            << "\n";
  for (const auto& e : entries) {
    const std::string type = e.event.type.substr(e.event.type.rfind('.') + 1);
    std::cout << "  " << committed_at(e.commit.commit) << "  seq " << e.commit.sequence << "  "
              << e.actor << "  " << type << "  (" << e.commit.subject << ")\n      " << e.event.json
              << "\n";
  }
}

}  // namespace

int audit_booking(const CliContext& ctx, const BookingAuditOptions& opts) {
  if (!events::is_valid_token(opts.booking_id)) {
    print_error("'" + opts.booking_id + "' is not a valid booking id");
    return kExitUsage;
  }
  if (!opts.business_id.empty() && !events::is_valid_token(opts.business_id)) {
    print_error("'" + opts.business_id + "' is not a valid business id");
    return kExitUsage;
  }
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  const std::string prefix = store->stream().subject_prefix;
  std::vector<Entry> entries;
  events::ScanRange range;
  range.filter_subject =
      prefix + ".calendar." + (opts.business_id.empty() ? ">" : opts.business_id);
  std::uint64_t skipped = 0;  // undecodable commits and events: the history may be incomplete
  auto scanned = store->scan(range, [&](events::Result<events::StoredCommit>&& c) {
    if (!c) {
      print_error("skipping undecodable commit: " + c.error().describe());
      ++skipped;
      return true;
    }
    skipped += collect(c.value(), opts.booking_id, false, entries);
    return true;
  });
  if (!scanned) {
    print_error(scanned.error().code == events::ErrorCode::kNotFound
                    ? "stream " + ctx.stream + " does not exist"
                    : scanned.error().describe());
    return exit_code_for(scanned.error());
  }
  auto payments = store->read({"payment", opts.booking_id}, 0);
  if (!payments) {
    print_error(payments.error().describe());
    return exit_code_for(payments.error());
  }
  for (const auto& c : payments.value()) skipped += collect(c, opts.booking_id, true, entries);
  if (entries.empty()) {
    print_error("no events mention booking '" + opts.booking_id + "'" +
                (skipped > 0 ? " (" + std::to_string(skipped) + " undecodable skipped)" : ""));
    return kExitFailed;
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.commit.sequence < b.commit.sequence;
  });
  std::string status = "unknown";
  for (const auto& e : entries) status = status_after(e.event.type, status);
  if (ctx.json) {
    JsonOut out;
    out.str("booking_id", opts.booking_id).str("status", status).key("events");
    out.writer().StartArray();
    for (const auto& e : entries) out.raw_value(event_envelope_json(e.commit, e.event, false));
    out.writer().EndArray();
    std::cout << out.finish() << "\n";
  } else {
    print_history(opts.booking_id, status, entries);
  }
  if (skipped > 0) {
    print_error("history incomplete: " + std::to_string(skipped) +
                " undecodable commit(s) or event(s) skipped");
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace slotwise::tools
