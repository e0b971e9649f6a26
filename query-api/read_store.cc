#include "query-api/read_store.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "query-api/read_tx.h"

namespace slotwise::query {
namespace {

// The columns booking_of() reads, of a booking `b` and its service `s`.
constexpr const char* kBookingFields =
    "b.booking_id, b.business_id, b.service_id, coalesce(s.name, ''), b.status,"
    " extract(epoch from b.start_at)::bigint, extract(epoch from b.end_at)::bigint,"
    " b.local_date::text, b.buffer_before_minutes, b.buffer_after_minutes, b.time_zone,"
    " b.customer_name, b.customer_email, b.customer_phone, b.notes, b.price_minor,"
    " b.amount_due_minor, b.currency, b.manage_token_sha256,"
    " extract(epoch from b.hold_expires_at)::bigint, extract(epoch from b.created_at)::bigint,"
    " extract(epoch from b.updated_at)::bigint, b.version, b.free_cancellation_cutoff_minutes,"
    " b.late_cancellation_refund_percent";
constexpr const char* kServiceJoin =
    " LEFT JOIN services s ON s.business_id = b.business_id AND s.service_id = b.service_id ";

// "SELECT <booking fields> FROM bookings b <service join>", for a WHERE to follow.
std::string select_bookings() {
  return std::string("SELECT ") + kBookingFields + " FROM bookings b" + kServiceJoin;
}

// Column lists in the order business_of() and service_of() read them.
constexpr std::string_view kBusinessFields =
    "business_id, slug, owner_user_id, name, description, contact_email, contact_phone,"
    " address, time_zone, currency, slot_interval_minutes, min_notice_minutes, horizon_days,"
    " max_bookings_per_day, hold_minutes, free_cancellation_cutoff_minutes,"
    " late_cancellation_refund_percent, version, feed_generation";
constexpr std::string_view kServiceFields =
    "service_id, name, description, duration_minutes, buffer_before_minutes,"
    " buffer_after_minutes, price_minor, currency, payment_mode, deposit_minor, active";

constexpr std::size_t field_count(std::string_view fields) {
  return static_cast<std::size_t>(std::count(fields.begin(), fields.end(), ',')) + 1;
}

// Business ids are "biz_..."; anything else in their place is a slug.
bool is_business_id(std::string_view key) { return key.starts_with("biz_"); }

// "a, b" -> "p.a, p.b": the same columns qualified for a join.
std::string prefixed(std::string_view prefix, std::string_view fields) {
  std::string out(prefix);
  for (const char c : fields) {
    out += c;
    if (c == ' ') out += prefix;
  }
  return out;
}

const std::string kBusinessColumns = "SELECT " + std::string(kBusinessFields) + " FROM businesses ";
const std::string kServiceColumns = "SELECT " + std::string(kServiceFields) + " FROM services ";

domain::Instant instant(const pqxx::field& f) {
  return domain::Instant{std::chrono::seconds{f.as<std::int64_t>()}};
}

// A text column's value (NOT NULL in the schema). Built from the bytes
// directly: pqxx's generic conversion was ~7 % of a list page's CPU.
std::string text(const pqxx::field& f) { return {f.c_str(), f.size()}; }

// Reads a row's columns in order through one field iterator. Each
// pqxx::field made by row[i] holds a copy of its result (two shared
// pointers: atomic increments and decrements); at 25 columns and 51 rows a
// list page made ~1,300 of them, ~6 % of the machine's time per page.
class Columns {
 public:
  explicit Columns(const pqxx::row& r) : it_(r.begin()) {}
  // The next column as text (NOT NULL in the schema).
  std::string text() {
    std::string v(it_->c_str(), it_->size());
    ++it_;
    return v;
  }
  template <class T>
  T as() {
    T v = it_->template as<T>();
    ++it_;
    return v;
  }
  domain::Instant instant() { return domain::Instant{std::chrono::seconds{as<std::int64_t>()}}; }
  std::optional<domain::Instant> optional_instant() {
    if (!it_->is_null()) return instant();
    ++it_;
    return std::nullopt;
  }
  std::optional<int> optional_int() {
    if (!it_->is_null()) return as<int>();
    ++it_;
    return std::nullopt;
  }

 private:
  pqxx::const_row_iterator it_;
};

BookingRow booking_of(const pqxx::row& r) {
  Columns c(r);
  BookingRow b;
  b.booking_id = c.text();
  b.business_id = c.text();
  b.service_id = c.text();
  b.service_name = c.text();
  b.status = c.text();
  b.start = c.instant();
  b.end = c.instant();
  b.local_date = c.text();
  b.buffer_before_minutes = c.as<int>();
  b.buffer_after_minutes = c.as<int>();
  b.time_zone = c.text();
  b.customer_name = c.text();
  b.customer_email = c.text();
  b.customer_phone = c.text();
  b.notes = c.text();
  b.price_minor = c.as<std::int64_t>();
  b.amount_due_minor = c.as<std::int64_t>();
  b.currency = c.text();
  b.manage_token_sha256 = c.text();
  b.hold_expires_at = c.optional_instant();
  b.created_at = c.instant();
  b.updated_at = c.instant();
  b.version = c.as<std::uint64_t>();
  // Both or neither (NULL: logged without terms, or not rebuilt since 0008).
  const std::optional<int> cutoff = c.optional_int();
  const std::optional<int> percent = c.optional_int();
  if (cutoff && percent) b.cancellation_terms = domain::CancellationTerms{*cutoff, *percent};
  return b;
}

BusinessRow business_of(const pqxx::row& r) {
  BusinessRow b;
  b.business_id = r[0].as<std::string>();
  b.slug = r[1].as<std::string>();
  b.owner_user_id = r[2].as<std::string>();
  b.name = r[3].as<std::string>();
  b.description = r[4].as<std::string>();
  b.contact_email = r[5].as<std::string>();
  b.contact_phone = r[6].as<std::string>();
  b.address = r[7].as<std::string>();
  b.time_zone = r[8].as<std::string>();
  b.currency = r[9].as<std::string>();
  b.slot_interval_minutes = r[10].as<int>();
  b.min_notice_minutes = r[11].as<int>();
  b.horizon_days = r[12].as<int>();
  b.max_bookings_per_day = r[13].as<int>();
  b.hold_minutes = r[14].as<int>();
  b.free_cancellation_cutoff_minutes = r[15].as<int>();
  b.late_cancellation_refund_percent = r[16].as<int>();
  b.version = r[17].as<std::uint64_t>();
  b.feed_generation = r[18].as<std::int64_t>();
  return b;
}

ServiceRow service_of(const pqxx::row& r) {
  ServiceRow s;
  s.service_id = r[0].as<std::string>();
  s.name = r[1].as<std::string>();
  s.description = r[2].as<std::string>();
  s.duration_minutes = r[3].as<int>();
  s.buffer_before_minutes = r[4].as<int>();
  s.buffer_after_minutes = r[5].as<int>();
  s.price_minor = r[6].as<std::int64_t>();
  s.currency = r[7].as<std::string>();
  s.payment_mode = r[8].as<std::string>();
  if (!r[9].is_null()) s.deposit_minor = r[9].as<std::int64_t>();
  s.active = r[10].as<bool>();
  return s;
}

std::int64_t seconds_of(domain::LocalDate day) {
  return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count();
}

// The JSON columns of the availability statement; PostgreSQL wrote them, so
// a shape other than the one asked for is a bug (kInternal via guarded()).
rapidjson::Document parse_array(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  if (doc.HasParseError() || !doc.IsArray()) throw std::runtime_error("malformed JSON column");
  return doc;
}

std::vector<OverrideRow> overrides_of_json(const char* json) {
  std::vector<OverrideRow> out;
  const rapidjson::Document doc = parse_array(json);
  for (const auto& o : doc.GetArray()) {
    if (!o.IsArray() || o.Size() != 3 || !o[0].IsString() || !o[1].IsBool() || !o[2].IsString())
      throw std::runtime_error("malformed override");
    out.push_back(OverrideRow{o[0].GetString(), o[1].GetBool(), o[2].GetString()});
  }
  return out;
}

std::vector<BookingRow> busy_bookings_of_json(const char* json) {
  std::vector<BookingRow> out;
  const rapidjson::Document doc = parse_array(json);
  out.reserve(doc.Size());
  for (const auto& k : doc.GetArray()) {
    if (!k.IsArray() || k.Size() != 9 || !k[0].IsString() || !k[1].IsString() || !k[2].IsString() ||
        !k[3].IsInt64() || !k[4].IsInt64() || !k[5].IsInt() || !k[6].IsInt() || !k[7].IsString() ||
        !(k[8].IsNull() || k[8].IsInt64()))
      throw std::runtime_error("malformed booking");
    BookingRow b;
    b.booking_id = k[0].GetString();
    b.service_id = k[1].GetString();
    b.status = k[2].GetString();
    b.start = domain::Instant{std::chrono::seconds{k[3].GetInt64()}};
    b.end = domain::Instant{std::chrono::seconds{k[4].GetInt64()}};
    b.buffer_before_minutes = k[5].GetInt();
    b.buffer_after_minutes = k[6].GetInt();
    b.time_zone = k[7].GetString();
    if (k[8].IsInt64()) b.hold_expires_at = domain::Instant{std::chrono::seconds{k[8].GetInt64()}};
    out.push_back(std::move(b));
  }
  return out;
}

constexpr const char* kAvailabilityById = "sw_availability_by_id";
constexpr const char* kAvailabilityBySlug = "sw_availability_by_slug";

// Two statements rather than one with "(id = $1 AND by_id) OR (slug = $1
// AND NOT by_id)": a prepared statement soon runs on a generic plan, which
// could not pick the id or the slug index for such a predicate.
std::string availability_sql(bool by_id) {
  // The hottest public route: one statement (one round trip, one snapshot,
  // no BEGIN/COMMIT) instead of a transaction of five queries, which the
  // query benchmark showed as most of a request's time (docs/benchmarks.md).
  // Overrides and bookings come back as JSON arrays in single columns.
  return "SELECT " + prefixed("b.", kBusinessFields) + ", " + prefixed("s.", kServiceFields) +
         ", s.service_id IS NOT NULL, c.time_zone, c.schedule::text,"
         " (SELECT coalesce(json_agg(json_build_array(o.local_date::text, o.closed,"
         "   o.intervals::text) ORDER BY o.local_date), '[]'::json)::text"
         "  FROM date_overrides o WHERE o.business_id = b.business_id),"
         // busy_calendar() skips bookings whose buffered end is 3 days or more
         // before now; fetch a margin more and let it decide. Only the columns
         // availability.cc's calendar_state() reads.
         " (SELECT coalesce(json_agg(json_build_array(k.booking_id, k.service_id, k.status,"
         "   extract(epoch from k.start_at)::bigint, extract(epoch from k.end_at)::bigint,"
         "   k.buffer_before_minutes, k.buffer_after_minutes, k.time_zone,"
         "   extract(epoch from k.hold_expires_at)::bigint)), '[]'::json)::text"
         "  FROM bookings k WHERE k.business_id = b.business_id"
         "  AND k.status IN ('tentative','confirmed','completed','no_show')"
         "  AND k.end_at >= to_timestamp($3) AND k.start_at >= to_timestamp($4)"
         "  AND k.start_at < to_timestamp($5))"
         " FROM (SELECT * FROM businesses WHERE " +
         std::string(by_id ? "business_id" : "slug") +
         " = $1 ORDER BY business_id LIMIT 1) b"
         " LEFT JOIN services s ON s.business_id = b.business_id AND s.service_id = $2"
         " LEFT JOIN calendars c ON c.business_id = b.business_id";
}

// Every read is a prepared statement: parsed and planned once per pooled
// connection instead of per request (planning cost more than executing the
// indexed reads). One statement per shape, so each generic plan can use its
// index (availability_sql() says why).
constexpr const char* kBusinessById = "sw_business_by_id";
constexpr const char* kBusinessBySlug = "sw_business_by_slug";
constexpr const char* kServicesOf = "sw_services_of";
constexpr const char* kBookingById = "sw_booking_by_id";
constexpr const char* kHistoryOf = "sw_history_of";
constexpr const char* kBookingsPage = "sw_bookings_page";
constexpr const char* kBookingsPageAfter = "sw_bookings_page_after";
constexpr const char* kStatusPage = "sw_status_page";
constexpr const char* kStatusPageAfter = "sw_status_page_after";
constexpr const char* kPosition = "sw_position";
constexpr const char* kCustomerPage = "sw_customer_page";
constexpr const char* kBusinessBookingById = "sw_business_booking_by_id";
constexpr const char* kBusinessBookingBySlug = "sw_business_booking_by_slug";

// $1 a booking id, $2 a business id (by_id) or slug: the booking's fields
// and, last, the owner of the business $2 names, if the booking is that
// business's. The business is chosen as business() chooses it (the first
// by id for a slug), so the answer is the one the two reads would give.
std::string business_booking_sql(bool by_id) {
  return std::string("SELECT ") + kBookingFields + ", o.owner_user_id FROM bookings b" +
         kServiceJoin + "JOIN (SELECT business_id, owner_user_id FROM businesses WHERE " +
         (by_id ? "business_id" : "slug") +
         " = $2 ORDER BY business_id LIMIT 1) o ON o.business_id = b.business_id"
         " WHERE b.booking_id = $1";
}

// The conditions of a bookings page on alias `t`: business $1, start in
// [$2, $3) (epoch seconds), and after a cursor (start, booking_id) beyond
// ($cursor, $cursor+1).
std::string page_conditions(const std::string& t, bool after, int cursor) {
  std::string sql = " WHERE " + t + ".business_id = $1 AND " + t +
                    ".start_at >= to_timestamp($2::bigint) AND " + t +
                    ".start_at < to_timestamp($3::bigint)";
  if (after) {
    sql += " AND (" + t + ".start_at, " + t + ".booking_id) > (to_timestamp($" +
           std::to_string(cursor) + "::bigint), $" + std::to_string(cursor + 1) + "::text)";
  }
  return sql;
}

// A page of any status: $1 business, $2/$3 start bounds, $4 limit; after a
// cursor also $5/$6 = (start, booking_id) to continue after.
std::string bookings_page_sql(bool after) {
  return select_bookings() + page_conditions("b", after, 5) +
         " ORDER BY b.start_at, b.booking_id LIMIT $4";
}

// A page of some statuses ($4, distinct): each status's first $5 bookings
// from bookings_business_status (business, status, start, id), merged. A
// filter on the start index instead scans the whole range to find a rare
// status (~140 ms per page at 1M bookings); this reads at most $5 index
// entries per status. After a cursor $6/$7.
std::string bookings_status_page_sql(bool after) {
  return std::string("SELECT ") + kBookingFields +
         " FROM unnest($4::text[]) AS st(status) CROSS JOIN LATERAL (SELECT * FROM bookings k" +
         page_conditions("k", after, 6) +
         " AND k.status = st.status ORDER BY k.start_at, k.booking_id LIMIT $5) b" + kServiceJoin +
         "ORDER BY b.start_at, b.booking_id LIMIT $5";
}

// One customer's bookings: $1 business, $2 normalized email, $3/$4 start
// bounds, $5 statuses (a text array, NULL: all), $6 limit, $7/$8 the cursor
// (NULL: the first page). One statement for every variant: a customer has
// few bookings, found by bookings_business_customer and sorted.
std::string customer_page_sql() {
  return select_bookings() +
         "WHERE b.business_id = $1 AND b.customer_email_normalized = $2"
         " AND b.start_at >= to_timestamp($3::bigint) AND b.start_at < to_timestamp($4::bigint)"
         " AND ($5::text[] IS NULL OR b.status = ANY($5::text[]))"
         " AND ($7::bigint IS NULL OR (b.start_at, b.booking_id) >"
         " (to_timestamp($7::bigint), $8::text))"
         " ORDER BY b.start_at, b.booking_id LIMIT $6";
}

// A PostgreSQL array literal of statuses (validated names: no quoting needed).
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i > 0 ? "," : "") + items[i];
  return out + "}";
}

std::optional<BusinessRow> find_business(Tx& tx, const std::string& key) {
  const pqxx::result r =
      tx.exec_prepared(is_business_id(key) ? kBusinessById : kBusinessBySlug, key);
  if (r.empty()) return std::nullopt;
  return business_of(r[0]);
}

}  // namespace

ReadStore::ReadStore(ConnectionPool& pool) : pool_(pool) {
  pool_.prepare(kAvailabilityById, availability_sql(true));
  pool_.prepare(kAvailabilityBySlug, availability_sql(false));
  pool_.prepare(kBusinessById,
                kBusinessColumns + "WHERE business_id = $1 ORDER BY business_id LIMIT 1");
  pool_.prepare(kBusinessBySlug, kBusinessColumns + "WHERE slug = $1 ORDER BY business_id LIMIT 1");
  pool_.prepare(kServicesOf, kServiceColumns + "WHERE business_id = $1 ORDER BY service_id");
  pool_.prepare(kBookingById, select_bookings() + "WHERE b.booking_id = $1");
  pool_.prepare(kBusinessBookingById, business_booking_sql(true));
  pool_.prepare(kBusinessBookingBySlug, business_booking_sql(false));
  pool_.prepare(kHistoryOf,
                "SELECT seq, event_index, event_type, extract(epoch from occurred_at)::bigint,"
                " actor_kind, actor_id, detail::text FROM booking_history WHERE booking_id = $1"
                " ORDER BY seq, event_index");
  pool_.prepare(kBookingsPage, bookings_page_sql(false));
  pool_.prepare(kBookingsPageAfter, bookings_page_sql(true));
  pool_.prepare(kStatusPage, bookings_status_page_sql(false));
  pool_.prepare(kStatusPageAfter, bookings_status_page_sql(true));
  pool_.prepare(kPosition, "SELECT position FROM projection_checkpoints WHERE projection = $1");
  pool_.prepare(kCustomerPage, customer_page_sql());
  prepare_profile_reads();
}

Result<std::optional<BusinessRow>> ReadStore::business(const std::string& id_or_slug) const {
  return read(pool_, "business", [&](Tx& tx) { return find_business(tx, id_or_slug); });
}

Result<std::vector<ServiceRow>> ReadStore::services(const std::string& business_id) const {
  return read(pool_, "services", [&](Tx& tx) {
    std::vector<ServiceRow> out;
    for (const auto& r : tx.exec_prepared(kServicesOf, business_id)) {
      out.push_back(service_of(r));
    }
    return out;
  });
}

Result<std::optional<AvailabilityData>> ReadStore::availability_data(const std::string& id_or_slug,
                                                                     const std::string& service_id,
                                                                     domain::LocalDate from,
                                                                     domain::LocalDate to,
                                                                     domain::Instant now) const {
  return read(pool_, "availability", [&](Tx& tx) -> std::optional<AvailabilityData> {
    const pqxx::result r =
        tx.exec_prepared(is_business_id(id_or_slug) ? kAvailabilityById : kAvailabilityBySlug,
                         id_or_slug, service_id, now.time_since_epoch().count() - 5LL * 86400,
                         seconds_of(from - date::days{3}), seconds_of(to + date::days{4}));
    if (r.empty()) return std::nullopt;
    const pqxx::row row = r[0];
    constexpr pqxx::row::size_type kB = field_count(kBusinessFields);
    constexpr pqxx::row::size_type kS = field_count(kServiceFields);
    if (!row[kB + kS].as<bool>()) return std::nullopt;  // no such service
    AvailabilityData d;
    d.business = business_of(row.slice(0, kB));
    d.service = service_of(row.slice(kB, kB + kS));
    if (!row[kB + kS + 1].is_null()) {
      d.calendar =
          CalendarRow{row[kB + kS + 1].as<std::string>(), row[kB + kS + 2].as<std::string>()};
    }
    d.overrides = overrides_of_json(row[kB + kS + 3].c_str());
    d.bookings = busy_bookings_of_json(row[kB + kS + 4].c_str());
    return d;
  });
}

Result<std::optional<BookingRow>> ReadStore::booking(const std::string& booking_id) const {
  return read(pool_, "booking", [&](Tx& tx) {
    std::optional<BookingRow> out;
    const pqxx::result r = tx.exec_prepared(kBookingById, booking_id);
    if (!r.empty()) out = booking_of(r[0]);
    return out;
  });
}

Result<std::optional<OwnedBookingRow>> ReadStore::business_booking(
    const std::string& id_or_slug, const std::string& booking_id) const {
  return read(pool_, "business booking", [&](Tx& tx) {
    std::optional<OwnedBookingRow> out;
    const pqxx::result r =
        tx.exec_prepared(is_business_id(id_or_slug) ? kBusinessBookingById : kBusinessBookingBySlug,
                         booking_id, id_or_slug);
    if (!r.empty()) {
      const pqxx::row row = r[0];
      out = OwnedBookingRow{booking_of(row), text(row[row.size() - 1])};
    }
    return out;
  });
}

Result<std::vector<HistoryEntry>> ReadStore::history(const std::string& booking_id) const {
  return read(pool_, "history", [&](Tx& tx) {
    std::vector<HistoryEntry> out;
    for (const auto& r : tx.exec_prepared(kHistoryOf, booking_id)) {
      out.push_back(HistoryEntry{r[0].as<std::uint64_t>(), r[1].as<int>(), r[2].as<std::string>(),
                                 instant(r[3]), r[4].as<std::string>(), r[5].as<std::string>(),
                                 r[6].as<std::string>()});
    }
    return out;
  });
}

Result<std::vector<BookingRow>> ReadStore::bookings(const BookingFilter& f) const {
  return read(pool_, "bookings", [&](Tx& tx) {
    const std::int64_t from = f.from.time_since_epoch().count();
    const std::int64_t to = f.to.time_since_epoch().count();
    const int limit = f.limit + 1;  // one more: is there a next page?
    pqxx::result r;
    if (!f.customer_email_normalized.empty()) {
      std::optional<std::string> statuses;
      if (!f.statuses.empty()) statuses = text_array(f.statuses);
      std::optional<std::int64_t> after_start;
      std::optional<std::string> after_id;
      if (f.after) {
        after_start = f.after->first;
        after_id = f.after->second;
      }
      r = tx.exec_prepared(kCustomerPage, f.business_id, f.customer_email_normalized, from, to,
                           statuses, limit, after_start, after_id);
    } else if (f.statuses.empty()) {
      r = f.after ? tx.exec_prepared(kBookingsPageAfter, f.business_id, from, to, limit,
                                     f.after->first, f.after->second)
                  : tx.exec_prepared(kBookingsPage, f.business_id, from, to, limit);
    } else {
      // Each status once: the statement reads a page per listed status.
      std::vector<std::string> distinct = f.statuses;
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      const std::string statuses = text_array(distinct);
      r = f.after ? tx.exec_prepared(kStatusPageAfter, f.business_id, from, to, statuses, limit,
                                     f.after->first, f.after->second)
                  : tx.exec_prepared(kStatusPage, f.business_id, from, to, statuses, limit);
    }
    std::vector<BookingRow> out;
    out.reserve(r.size());
    for (const auto& row : r) out.push_back(booking_of(row));
    return out;
  });
}

Result<std::vector<BookingRow>> ReadStore::feed(const std::string& business_id,
                                                domain::Instant since, domain::Instant now,
                                                int limit) const {
  return read(pool_, "feed", [&](Tx& tx) {
    std::vector<BookingRow> out;
    // The upcoming bookings first (what a subscribed calendar is for), then
    // the past ones from the newest back, within the limit.
    for (const auto& r : tx.exec_params(
             select_bookings() + "WHERE b.business_id = $1 AND b.start_at >= to_timestamp($2)"
                                 " ORDER BY b.start_at, b.booking_id LIMIT $3",
             business_id, now.time_since_epoch().count(), limit)) {
      out.push_back(booking_of(r));
    }
    const int left = limit - static_cast<int>(out.size());
    if (left > 0) {
      for (const auto& r : tx.exec_params(
               select_bookings() + "WHERE b.business_id = $1 AND b.start_at >= to_timestamp($2)"
                                   " AND b.start_at < to_timestamp($3)"
                                   " ORDER BY b.start_at DESC, b.booking_id DESC LIMIT $4",
               business_id, since.time_since_epoch().count(), now.time_since_epoch().count(),
               left)) {
        out.push_back(booking_of(r));
      }
    }
    std::sort(out.begin(), out.end(), [](const BookingRow& a, const BookingRow& b) {
      return std::tie(a.start, a.booking_id) < std::tie(b.start, b.booking_id);
    });
    return out;
  });
}

Result<std::vector<DayStats>> ReadStore::stats(const std::string& business_id,
                                               const std::string& from,
                                               const std::string& to) const {
  return read(pool_, "stats", [&](Tx& tx) {
    std::vector<DayStats> out;
    for (const auto& r : tx.exec_params(
             "SELECT local_date::text, tentative, confirmed, cancelled, expired, completed,"
             " no_show, total, revenue_minor FROM daily_stats WHERE business_id = $1"
             " AND local_date >= $2::date AND local_date <= $3::date ORDER BY local_date",
             business_id, from, to)) {
      out.push_back(
          DayStats{r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
                   r[3].as<std::int64_t>(), r[4].as<std::int64_t>(), r[5].as<std::int64_t>(),
                   r[6].as<std::int64_t>(), r[7].as<std::int64_t>(), r[8].as<std::int64_t>()});
    }
    return out;
  });
}

Result<std::vector<NotificationRow>> ReadStore::notifications(const std::string& business_id,
                                                              const std::string& status,
                                                              int limit) const {
  return read(pool_, "notifications", [&](Tx& tx) {
    std::vector<NotificationRow> out;
    if (tx.exec1("SELECT to_regclass('public.notifications') IS NULL")[0].as<bool>()) return out;
    for (const auto& r : tx.exec_params(
             "SELECT id, booking_id, kind, channel, recipient, subject, status, attempts,"
             " last_error, extract(epoch from due_at)::bigint, extract(epoch from sent_at)::bigint"
             " FROM notifications WHERE business_id = $1 AND ($2 = '' OR status = $2)"
             " ORDER BY due_at DESC, id LIMIT $3",
             business_id, status, limit)) {
      NotificationRow n;
      n.id = r[0].as<std::string>();
      n.booking_id = r[1].as<std::string>();
      n.kind = r[2].as<std::string>();
      n.channel = r[3].as<std::string>();
      n.recipient = r[4].as<std::string>();
      n.subject = r[5].as<std::string>();
      n.status = r[6].as<std::string>();
      n.attempts = r[7].as<int>();
      n.last_error = r[8].as<std::string>();
      n.due_at = instant(r[9]);
      if (!r[10].is_null()) n.sent_at = instant(r[10]);
      out.push_back(std::move(n));
    }
    return out;
  });
}

Result<std::uint64_t> ReadStore::position(const std::string& projection) const {
  return read(pool_, "position", [&](Tx& tx) {
    const pqxx::result r = tx.exec_prepared(kPosition, projection);
    return r.empty() ? std::uint64_t{0} : r[0][0].as<std::uint64_t>();
  });
}

}  // namespace slotwise::query
