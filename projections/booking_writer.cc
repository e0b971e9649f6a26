#include "projections/booking_writer.h"

#include <algorithm>
#include <tuple>

#include "projections/statement_batch.h"

namespace slotwise::projections::booking_writer {
namespace {

constexpr std::size_t kPatchesPerStatement = 1000;

std::string literal_or_null(pqxx::work& tx, const std::optional<std::string>& v, const char* cast) {
  return v ? tx.quote(*v) + cast : std::string("NULL") + cast;
}

void insert_rows(pqxx::work& tx, const std::vector<BookingRow>& rows) {
  if (rows.empty()) return;
  pqxx::stream_to s(tx, "bookings",
                    std::vector<std::string>{"booking_id",
                                             "business_id",
                                             "service_id",
                                             "status",
                                             "start_at",
                                             "end_at",
                                             "local_date",
                                             "buffer_before_minutes",
                                             "buffer_after_minutes",
                                             "time_zone",
                                             "customer_name",
                                             "customer_email",
                                             "customer_email_normalized",
                                             "customer_phone",
                                             "customer_time_zone",
                                             "notes",
                                             "price_minor",
                                             "amount_due_minor",
                                             "currency",
                                             "manage_token_sha256",
                                             "hold_expires_at",
                                             "created_at",
                                             "updated_at",
                                             "version",
                                             "free_cancellation_cutoff_minutes",
                                             "late_cancellation_refund_percent"});
  for (const BookingRow& r : rows) {
    s << std::tie(r.booking_id, r.business_id, r.service_id, r.status, r.start_at, r.end_at,
                  r.local_date, r.buffer_before_minutes, r.buffer_after_minutes, r.time_zone,
                  r.customer_name, r.customer_email, r.customer_email_normalized, r.customer_phone,
                  r.customer_time_zone, r.notes, r.price_minor, r.amount_due_minor, r.currency,
                  r.manage_token_sha256, r.hold_expires_at, r.created_at, r.updated_at, r.version,
                  r.free_cancellation_cutoff_minutes, r.late_cancellation_refund_percent);
  }
  s.complete();
}

void update_rows(pqxx::work& tx, const std::vector<BookingPatch>& patches) {
  for (std::size_t at = 0; at < patches.size(); at += kPatchesPerStatement) {
    const std::size_t end = std::min(patches.size(), at + kPatchesPerStatement);
    std::string sql =
        "UPDATE bookings b SET status = coalesce(p.status, b.status),"
        " start_at = coalesce(p.start_at, b.start_at), end_at = coalesce(p.end_at, b.end_at),"
        " local_date = coalesce(p.local_date, b.local_date), updated_at = p.updated_at,"
        " version = p.version FROM (VALUES ";
    for (std::size_t i = at; i < end; ++i) {
      const BookingPatch& p = patches[i];
      if (i > at) sql += ',';
      sql += '(' + tx.quote(p.booking_id) + ',' + literal_or_null(tx, p.status, "::text") + ',' +
             literal_or_null(tx, p.start_at, "::timestamptz") + ',' +
             literal_or_null(tx, p.end_at, "::timestamptz") + ',' +
             literal_or_null(tx, p.local_date, "::date") + ',' + tx.quote(p.updated_at) +
             "::timestamptz," + std::to_string(p.version) + "::bigint)";
    }
    sql +=
        ") AS p(booking_id, status, start_at, end_at, local_date, updated_at, version)"
        " WHERE b.booking_id = p.booking_id";
    tx.exec0(sql);
  }
}

void insert_history(pqxx::work& tx, const std::vector<HistoryRow>& history,
                    const std::vector<bool>& keep) {
  if (std::find(keep.begin(), keep.end(), true) == keep.end()) return;
  pqxx::stream_to s(
      tx, "booking_history",
      std::vector<std::string>{"booking_id", "seq", "event_index", "business_id", "event_type",
                               "occurred_at", "actor_kind", "actor_id", "detail"});
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (!keep[i]) continue;
    const HistoryRow& h = history[i];
    s << std::tie(h.booking_id, h.seq, h.event_index, h.business_id, h.event_type, h.occurred_at,
                  h.actor_kind, h.actor_id, h.detail_json);
  }
  s.complete();
}

}  // namespace

void prepare(pqxx::connection& conn) {
  conn.prepare("booking_known",
               "SELECT booking_id, business_id, time_zone, local_date::text,"
               " customer_email_normalized FROM bookings WHERE booking_id = ANY($1::text[])");
}

std::map<std::string, KnownBooking> lookup(pqxx::work& tx, const std::vector<BookingOp>& ops) {
  std::map<std::string, KnownBooking> known;
  if (ops.empty()) return known;
  std::vector<const std::string*> ids;
  ids.reserve(ops.size());
  for (const BookingOp& op : ops) ids.push_back(&op.booking_id);
  const pqxx::result r = tx.exec_prepared("booking_known", text_array(ids));
  for (const auto& row : r) {
    known.emplace(row[0].as<std::string>(),
                  KnownBooking{row[1].as<std::string>(), row[2].as<std::string>(),
                               row[3].as<std::string>(), row[4].as<std::string>()});
  }
  return known;
}

void write(pqxx::work& tx, const FoldedBookings& folded, const std::vector<HistoryRow>& history) {
  insert_rows(tx, folded.inserts);
  update_rows(tx, folded.patches);
  insert_history(tx, history, folded.keep_history);
}

}  // namespace slotwise::projections::booking_writer
