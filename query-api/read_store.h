// ReadStore: the query API's typed reads of the read-model tables
// (projections/migrations): bookings, businesses and availability in
// read_store.cc; an owner's businesses and sessions, opening hours and
// customers in read_store_profiles.cc. Each function runs one read-only transaction on
// a pooled connection inside projections::guarded(), so libpqxx exceptions
// never escape.
//
// Thread safety: thread-safe (each call leases its own connection).
// Errors: kUnavailable (pool exhausted, database down), kDatabase; a missing
// row is not an error but an empty optional.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/cancellation_terms.h"
#include "domain/instant.h"
#include "query-api/connection_pool.h"

namespace slotwise::query {

struct ServiceRow {
  std::string service_id;
  std::string name;
  std::string description;
  int duration_minutes = 0;
  int buffer_before_minutes = 0;
  int buffer_after_minutes = 0;
  std::int64_t price_minor = 0;
  std::string currency;
  std::string payment_mode;
  std::optional<std::int64_t> deposit_minor;
  bool active = true;
};

struct BusinessRow {
  std::string business_id;
  std::string slug;
  std::string owner_user_id;
  std::string name;
  std::string description;
  std::string contact_email;
  std::string contact_phone;
  std::string address;
  std::string time_zone;
  std::string currency;
  int slot_interval_minutes = 0;
  int min_notice_minutes = 0;
  int horizon_days = 0;
  int max_bookings_per_day = 0;
  int hold_minutes = 0;
  int free_cancellation_cutoff_minutes = 0;
  int late_cancellation_refund_percent = 0;
  std::uint64_t version = 0;
  // Calendar feed resets so far (access.h: which feed token is valid).
  std::int64_t feed_generation = 0;
};

struct CalendarRow {
  std::string time_zone;
  std::string schedule_json;  // [[[s,e],...] x 7], Monday first
};

struct OverrideRow {
  std::string local_date;  // YYYY-MM-DD
  bool closed = false;
  std::string intervals_json;
};

struct BookingRow {
  std::string booking_id;
  std::string business_id;
  std::string service_id;
  std::string service_name;
  std::string status;
  domain::Instant start{};
  domain::Instant end{};
  std::string local_date;
  int buffer_before_minutes = 0;
  int buffer_after_minutes = 0;
  std::string time_zone;
  std::string customer_name;
  std::string customer_email;
  std::string customer_phone;
  std::string notes;
  std::int64_t price_minor = 0;
  std::int64_t amount_due_minor = 0;
  std::string currency;
  std::string manage_token_sha256;
  std::optional<domain::Instant> hold_expires_at;
  domain::Instant created_at{};
  domain::Instant updated_at{};
  std::uint64_t version = 0;
  // The terms it was booked under; none when its event carried none (the
  // business's current policy applies).
  std::optional<domain::CancellationTerms> cancellation_terms;
};

// A booking with the owner of its business.
struct OwnedBookingRow {
  BookingRow booking;
  std::string owner_user_id;
};

struct HistoryEntry {
  std::uint64_t seq = 0;
  int event_index = 0;
  std::string event_type;
  domain::Instant occurred_at{};
  std::string actor_kind;
  std::string actor_id;
  std::string detail_json;
};

struct DayStats {
  std::string local_date;
  std::int64_t tentative = 0, confirmed = 0, cancelled = 0, expired = 0, completed = 0, no_show = 0,
               total = 0, revenue_minor = 0;
};

// What the availability engine needs of one business and service.
struct AvailabilityData {
  BusinessRow business;
  ServiceRow service;
  std::optional<CalendarRow> calendar;
  std::vector<OverrideRow> overrides;
  // Those that may occupy time at or after now - 4 days, with only the
  // fields availability reads (ids, status, times, buffers, zone, hold).
  std::vector<BookingRow> bookings;
};

// One row of the notifier's outbox (notifier/migrations), as the owner sees it.
struct NotificationRow {
  std::string id;  // also the Message-ID's local part
  std::string booking_id;
  std::string kind;
  std::string channel;
  std::string recipient;
  std::string subject;
  std::string status;
  int attempts = 0;
  std::string last_error;
  domain::Instant due_at{};
  std::optional<domain::Instant> sent_at;
};

// One of an owner's businesses, as the owner's list shows it.
struct OwnedBusiness {
  std::string business_id;
  std::string slug;
  std::string name;
  std::string time_zone;
  std::string currency;
};

// A business's opening hours: the weekly schedule (none before the first
// PUT .../schedule) and the date overrides in a range of local dates.
struct OpeningHours {
  std::optional<CalendarRow> calendar;
  std::vector<OverrideRow> overrides;  // by date
};

// One customer of a business: everyone who booked with one (normalized)
// email address, named as in their most recently created booking.
struct CustomerRow {
  std::string email_normalized;
  std::string name;
  std::string email;
  std::string phone;
  std::int64_t bookings_count = 0;
  domain::Instant last_booking_at{};  // the latest start among their bookings
  // The name as the order compares it (PostgreSQL's lower(name)): the
  // cursor carries it.
  std::string sort_name;
};

// A page of customers by name (case-insensitive), then email.
struct CustomerFilter {
  std::string business_id;
  // Keyset: strictly after (sort_name, email_normalized) when set.
  std::optional<std::pair<std::string, std::string>> after;
  int limit = 50;
};

struct BookingFilter {
  std::string business_id;
  domain::Instant from{};
  domain::Instant to{};
  std::vector<std::string> statuses;  // empty: all
  // Only the bookings of this customer (normalize_email) when not empty.
  std::string customer_email_normalized;
  // Keyset: strictly after (start, booking_id) when set.
  std::optional<std::pair<std::int64_t, std::string>> after;
  int limit = 50;
};

// An owner account's sessions as the accounts read model has them: how
// many times its password changed and when last (auth/owner_session.h). An
// account without a row (not projected yet) has never changed it.
struct AccountSession {
  std::int64_t session_generation = 0;
  domain::Instant password_changed_at{};

  friend bool operator==(const AccountSession&, const AccountSession&) = default;
};

class ReadStore {
 public:
  // Declares the store's prepared statements on `pool`.
  explicit ReadStore(ConnectionPool& pool);

  // By id when `id_or_slug` starts with "biz_", else by slug.
  [[nodiscard]] Result<std::optional<BusinessRow>> business(const std::string& id_or_slug) const;
  [[nodiscard]] Result<std::vector<ServiceRow>> services(const std::string& business_id) const;
  // Bookings are read only where they can matter for days in [from, to]:
  // starting within 3 days of the range (a booking lasts at most 8 h plus
  // 4 h buffers each side, and a zone offset is at most 14 h) and not more
  // than 5 days over at `now` (busy_calendar() ignores those anyway).
  [[nodiscard]] Result<std::optional<AvailabilityData>> availability_data(
      const std::string& id_or_slug, const std::string& service_id, domain::LocalDate from,
      domain::LocalDate to, domain::Instant now) const;
  [[nodiscard]] Result<std::optional<BookingRow>> booking(const std::string& booking_id) const;
  // The booking `booking_id` with its business's owner, if it is a booking
  // of the business `id_or_slug` names (as business() finds it); one
  // statement instead of booking() and business(). Empty when the booking
  // or the business is unknown, or the booking is another business's.
  [[nodiscard]] Result<std::optional<OwnedBookingRow>> business_booking(
      const std::string& id_or_slug, const std::string& booking_id) const;
  [[nodiscard]] Result<std::vector<HistoryEntry>> history(const std::string& booking_id) const;
  // Up to filter.limit + 1 rows (the extra one tells there is a next page).
  [[nodiscard]] Result<std::vector<BookingRow>> bookings(const BookingFilter& filter) const;
  // The calendar feed's bookings, by start: those starting at or after
  // `since`, at most `limit`; when there are more, the next `limit` from
  // `now` on, then the most recent before `now`.
  [[nodiscard]] Result<std::vector<BookingRow>> feed(const std::string& business_id,
                                                     domain::Instant since, domain::Instant now,
                                                     int limit) const;
  [[nodiscard]] Result<std::vector<DayStats>> stats(const std::string& business_id,
                                                    const std::string& from,
                                                    const std::string& to) const;
  // The business's notifications, newest due first; `status` empty = all.
  // Empty when the notifier has not created its tables yet.
  [[nodiscard]] Result<std::vector<NotificationRow>> notifications(const std::string& business_id,
                                                                   const std::string& status,
                                                                   int limit) const;
  // The businesses `user_id` owns, by name (read_store_profiles.cc).
  [[nodiscard]] Result<std::vector<OwnedBusiness>> businesses_of(const std::string& user_id) const;
  // The business's weekly schedule and its overrides dated from..to
  // (YYYY-MM-DD, inclusive).
  [[nodiscard]] Result<OpeningHours> opening_hours(const std::string& business_id,
                                                   const std::string& from,
                                                   const std::string& to) const;
  // Up to filter.limit + 1 customers (the extra one tells there is a next page).
  [[nodiscard]] Result<std::vector<CustomerRow>> customers(const CustomerFilter& filter) const;
  // The account's sessions (read_store_profiles.cc); the default for an
  // account without a row.
  [[nodiscard]] Result<AccountSession> account_session(const std::string& user_id) const;
  // The projection's checkpoint (0 when it has none yet).
  [[nodiscard]] Result<std::uint64_t> position(const std::string& projection) const;

 private:
  // Declares the statements of read_store_profiles.cc.
  void prepare_profile_reads();

  ConnectionPool& pool_;
};

}  // namespace slotwise::query
