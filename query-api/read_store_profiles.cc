// ReadStore's reads of what a business is set up as and who books with it:
// the businesses an owner has and the owner's sessions, a business's
// opening hours, its customers.
#include <stdexcept>

#include "query-api/read_store.h"
#include "query-api/read_tx.h"

namespace slotwise::query {
namespace {

constexpr const char* kBusinessesOf = "sw_businesses_of";
constexpr const char* kAccountSession = "sw_account_session";
constexpr const char* kOpeningHours = "sw_opening_hours";
constexpr const char* kCustomers = "sw_customers";
constexpr const char* kCustomersAfter = "sw_customers_after";

std::string text(const pqxx::field& f) { return {f.c_str(), f.size()}; }

// $1 business, then $2 limit, or ($2, $3) to continue after and $4 limit.
// The order is the index customers_business_name (migration 0009), so a
// page reads limit + 1 index entries however many customers there are.
std::string customers_sql(bool after) {
  return std::string(
             "SELECT email_normalized, name, email, phone, bookings_count,"
             " extract(epoch from last_booking_at)::bigint, lower(name) FROM customers"
             " WHERE business_id = $1") +
         (after ? " AND (lower(name), email_normalized) > ($2::text, $3::text)"
                  " ORDER BY lower(name), email_normalized LIMIT $4"
                : " ORDER BY lower(name), email_normalized LIMIT $2");
}

}  // namespace

void ReadStore::prepare_profile_reads() {
  pool_.prepare(kAccountSession,
                "SELECT session_generation, extract(epoch from password_changed_at)::bigint"
                " FROM accounts WHERE user_id = $1");
  pool_.prepare(kBusinessesOf,
                "SELECT business_id, slug, name, time_zone, currency FROM businesses"
                " WHERE owner_user_id = $1 ORDER BY lower(name), business_id");
  // One statement, so the schedule and the overrides come from one snapshot:
  // the schedule as kind 0 (zone, schedule), each override as kind 1 (date,
  // intervals, closed).
  pool_.prepare(kOpeningHours,
                "SELECT 0 AS kind, time_zone, schedule::text, NULL::boolean FROM calendars"
                " WHERE business_id = $1"
                " UNION ALL SELECT 1, local_date::text, intervals::text, closed"
                " FROM date_overrides WHERE business_id = $1"
                " AND local_date >= $2::date AND local_date <= $3::date ORDER BY 1, 2");
  pool_.prepare(kCustomers, customers_sql(false));
  pool_.prepare(kCustomersAfter, customers_sql(true));
}

Result<std::vector<OwnedBusiness>> ReadStore::businesses_of(const std::string& user_id) const {
  return read(pool_, "businesses_of", [&](Tx& tx) {
    std::vector<OwnedBusiness> out;
    for (const auto& r : tx.exec_prepared(kBusinessesOf, user_id)) {
      out.push_back(OwnedBusiness{text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4])});
    }
    return out;
  });
}

Result<AccountSession> ReadStore::account_session(const std::string& user_id) const {
  return read(pool_, "account_session", [&](Tx& tx) {
    AccountSession out;
    const pqxx::result r = tx.exec_prepared(kAccountSession, user_id);
    if (r.empty()) return out;
    out.session_generation = r[0][0].as<std::int64_t>();
    if (!r[0][1].is_null()) {
      out.password_changed_at = domain::Instant{std::chrono::seconds{r[0][1].as<std::int64_t>()}};
    }
    return out;
  });
}

Result<OpeningHours> ReadStore::opening_hours(const std::string& business_id,
                                              const std::string& from,
                                              const std::string& to) const {
  return read(pool_, "opening_hours", [&](Tx& tx) {
    OpeningHours out;
    for (const auto& r : tx.exec_prepared(kOpeningHours, business_id, from, to)) {
      if (r[0].as<int>() == 0) {
        out.calendar = CalendarRow{text(r[1]), text(r[2])};
      } else {
        out.overrides.push_back(OverrideRow{text(r[1]), r[3].as<bool>(), text(r[2])});
      }
    }
    return out;
  });
}

Result<std::vector<CustomerRow>> ReadStore::customers(const CustomerFilter& f) const {
  return read(pool_, "customers", [&](Tx& tx) {
    const int limit = f.limit + 1;  // one more: is there a next page?
    const pqxx::result rows = f.after ? tx.exec_prepared(kCustomersAfter, f.business_id,
                                                         f.after->first, f.after->second, limit)
                                      : tx.exec_prepared(kCustomers, f.business_id, limit);
    std::vector<CustomerRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
      CustomerRow c;
      c.email_normalized = text(r[0]);
      c.name = text(r[1]);
      c.email = text(r[2]);
      c.phone = text(r[3]);
      c.bookings_count = r[4].as<std::int64_t>();
      c.last_booking_at = domain::Instant{std::chrono::seconds{r[5].as<std::int64_t>()}};
      c.sort_name = text(r[6]);
      out.push_back(std::move(c));
    }
    return out;
  });
}

}  // namespace slotwise::query
