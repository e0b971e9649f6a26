#include "projections/booking_fold.h"

#include <unordered_map>

#include "domain/proto_values.h"
#include "domain/time_zone.h"

namespace slotwise::projections {

std::string local_date_in(domain::Instant t, const std::string& tz) {
  auto zone = domain::TimeZone::locate(tz);
  if (!zone) zone = domain::TimeZone::locate("UTC");
  if (!zone) {
    return domain::format_local_date(
        date::local_days{date::floor<date::days>(t).time_since_epoch()});
  }
  return domain::format_local_date(zone.value().reading(t).date);
}

namespace {

// A booking as the fold sees it while it walks the batch.
struct Current {
  std::string business_id;
  std::string time_zone;
  std::string local_date;
  std::string email;
  std::optional<std::size_t> insert;  // index into inserts when created in the batch
  std::optional<std::size_t> patch;   // index into patches otherwise
};

class Folder {
 public:
  Folder(const std::map<std::string, KnownBooking>& known, std::size_t history_rows)
      : known_(known) {
    out_.keep_history.assign(history_rows, false);
  }

  void apply(const BookingOp& op) {
    Current* b = find(op.booking_id);
    if (op.kind == BookingOp::Kind::kCreate) {
      if (b == nullptr) b = &create(op);
      keep(op, *b);
      return;
    }
    if (b == nullptr || b->business_id != op.business_id) return;
    if (op.kind == BookingOp::Kind::kNote) {
      keep(op, *b);
      return;
    }
    if (op.kind == BookingOp::Kind::kStatus) {
      // A customer row counts bookings of any status: only the day's
      // counts change.
      out_.stat_days.emplace(b->business_id, b->local_date);
      set_status(*b, op);
    } else {
      touch(*b);  // the day it leaves
      move(*b, op);
      touch(*b);
      if (!b->email.empty()) out_.moved_customer_keys.emplace(b->business_id, b->email);
    }
    keep(op, *b);
  }

  FoldedBookings take() { return std::move(out_); }

 private:
  // The booking as the batch has left it so far; nullptr when unknown.
  Current* find(const std::string& id) {
    if (auto it = current_.find(id); it != current_.end()) return &it->second;
    const auto k = known_.find(id);
    if (k == known_.end()) return nullptr;
    const KnownBooking& row = k->second;
    return &current_
                .emplace(id, Current{row.business_id, row.time_zone, row.local_date,
                                     row.customer_email_normalized, std::nullopt, std::nullopt})
                .first->second;
  }

  Current& create(const BookingOp& op) {
    out_.inserts.push_back(op.row);
    Current& b = current_[op.booking_id];
    b = Current{op.row.business_id,      op.row.time_zone,
                op.row.local_date,       op.row.customer_email_normalized,
                out_.inserts.size() - 1, std::nullopt};
    touch(b);
    return b;
  }

  BookingPatch& patch(Current& b, const BookingOp& op) {
    if (!b.patch) {
      out_.patches.push_back(BookingPatch{op.booking_id, {}, {}, {}, {}, {}, 0});
      b.patch = out_.patches.size() - 1;
    }
    BookingPatch& p = out_.patches[*b.patch];
    p.updated_at = op.at;
    p.version = op.seq;
    return p;
  }

  void set_status(Current& b, const BookingOp& op) {
    if (b.insert) {
      BookingRow& row = out_.inserts[*b.insert];
      row.status = op.status;
      row.updated_at = op.at;
      row.version = op.seq;
      return;
    }
    patch(b, op).status = op.status;
  }

  void move(Current& b, const BookingOp& op) {
    b.local_date = local_date_in(op.start, b.time_zone);
    if (b.insert) {
      BookingRow& row = out_.inserts[*b.insert];
      row.start_at = op.start_at;
      row.end_at = op.end_at;
      row.local_date = b.local_date;
      row.updated_at = op.at;
      row.version = op.seq;
      return;
    }
    BookingPatch& p = patch(b, op);
    p.start_at = op.start_at;
    p.end_at = op.end_at;
    p.local_date = b.local_date;
  }

  void touch(const Current& b) {
    out_.stat_days.emplace(b.business_id, b.local_date);
    if (!b.email.empty()) out_.customer_keys.emplace(b.business_id, b.email);
  }

  void keep(const BookingOp& op, const Current& b) {
    if (b.business_id == op.business_id && op.history < out_.keep_history.size()) {
      out_.keep_history[op.history] = true;
    }
  }

  const std::map<std::string, KnownBooking>& known_;
  std::unordered_map<std::string, Current> current_;
  FoldedBookings out_;
};

}  // namespace

FoldedBookings fold_bookings(const std::vector<BookingOp>& ops,
                             const std::map<std::string, KnownBooking>& known,
                             std::size_t history_rows) {
  Folder f(known, history_rows);
  for (const BookingOp& op : ops) f.apply(op);
  return f.take();
}

}  // namespace slotwise::projections
