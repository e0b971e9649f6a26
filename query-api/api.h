// QueryApi: the HTTP routes of slotwise-query (docs/query-api.md,
// schemas/openapi.yaml), installed on a service::HttpServer.
//
//   GET /v1/businesses/{slug}                    public, ETag, id accepted for slug
//   GET /v1/businesses/{slug}/availability       public, ETag; with
//       reschedule=<booking id>: owner JWT or manage token, private
//   GET /v1/bookings/{id}                        owner JWT or manage token (the
//                                                customer's view: views.h BookingReader)
//   GET /v1/businesses/{id}/bookings             owner, keyset pagination
//   GET /v1/businesses/{id}/calendar.ics?token=  feed token
//   GET /v1/businesses/{id}/calendar-feed        owner: the feed URL and token
//   GET /v1/businesses/{id}/stats                owner
//   GET /v1/businesses/{id}/notifications        owner: the notifier's outbox
//                                                (?status=planned|sent|failed|cancelled)
//   GET /v1/businesses/{slug}/schedule           public, ETag: opening hours
//   GET /v1/businesses/{id}/customers            owner, keyset pagination
//   GET /v1/businesses/{id}/services             owner: every service, retired too
//   GET /v1/me/businesses                        the bearer's businesses
//
// Read-your-writes: a request with `SlotWise-Min-Position: N` first waits
// (polling the projection checkpoint, pauses doubling from 5 to 50 ms,
// bounded by min_position_wait) until the projection has applied position
// N; otherwise 503 with Retry-After.
// Availability is answered from an AvailabilityCache when one is given and
// usable for the request (availability_cache.h); otherwise from the database.
// Owner tokens: after the wait for SlotWise-Min-Position, an owner token
// must be of the account's current session as the accounts read model has
// it (auth/owner_session.h), read from OwnerSessions when one is given and
// usable (owner_sessions.h), otherwise from the database; a token a
// password change ended is 401 like any invalid one.
// Errors are {"error":{"code","message"}}: 400 bad parameters, 401 no or
// invalid credentials, 403 another tenant's business, 404 unknown ids (and
// bookings the caller may not see), 409 invalid_state (availability for a
// booking that cannot be moved, as /reschedule answers), 503 database
// unavailable.
//
// The availability routes are defined in availability_routes.cc, the
// schedule, customers, services and own-businesses routes in profile_routes.cc, the
// others in api.cc; replies.h holds the answers they share.
//
// Thread safety: handlers run concurrently; all members are read-only or
// thread-safe.
// Errors: never thrown; every failure is an HTTP answer.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "domain/time_zone.h"
#include "query-api/access.h"
#include "query-api/availability_cache.h"
#include "query-api/business_owners.h"
#include "query-api/owner_sessions.h"
#include "query-api/read_store.h"
#include "service/http_server.h"
#include "service/metrics.h"

namespace slotwise::query {

struct QueryOptions {
  std::string projection = "main";
  std::chrono::milliseconds min_position_wait{2000};
  std::chrono::milliseconds min_position_poll{5};
  int max_availability_days = 62;
  int max_stats_days = 366;
  int default_page_size = 50;
  int max_page_size = 200;
  // The calendar feed holds bookings from 90 days ago on, at most this
  // many: the upcoming ones first, then the most recent past ones.
  int feed_max_events = 5000;
  // Businesses whose id/slug -> owner is remembered (business_owners.h).
  std::size_t owner_cache_entries = 100'000;
  // Prefix of the calendar feed URL, e.g. "https://api.slotwise.example".
  std::string public_base_url;
  // "now" for availability and token checks; the system clock when empty.
  std::function<domain::Instant()> clock;
};

class QueryApi {
 public:
  // `store`, `access`, `metrics`, `cache` and `sessions` (both optional)
  // must outlive the API.
  QueryApi(const ReadStore& store, const Access& access, QueryOptions options,
           service::MetricsRegistry& metrics, AvailabilityCache* cache = nullptr,
           OwnerSessions* sessions = nullptr);

  void install(service::HttpServer& server);

 private:
  using Ctx = service::RequestContext;
  using Res = httplib::Response;

  [[nodiscard]] domain::Instant now() const;
  // A request allowed to proceed, with its SlotWise-Min-Position (nullopt
  // when it sent none), which the projection has reached.
  struct Admitted {
    std::optional<std::uint64_t> min_position;
  };
  // False (and a 400 written) when the path or a query parameter is not
  // UTF-8 text.
  [[nodiscard]] static bool text_request(const Ctx& ctx, Res& res);
  // Waits for the request's SlotWise-Min-Position; nullopt (and the
  // response written) when the request must not proceed. Each handler
  // calls it after its own checks, right before it reads the read models.
  [[nodiscard]] std::optional<Admitted> await_position(const Ctx& ctx, Res& res) const;
  // Whether `bearer` is of its account's current session as the read
  // models have it (at least at the request's SlotWise-Min-Position); a
  // token ahead of them is (auth/owner_session.h).
  [[nodiscard]] Result<bool> current_session(const auth::JwtClaims& bearer,
                                             const Admitted& admitted) const;
  // current_session(); false (and a 401 or the database's error written)
  // when the token's session ended or cannot be checked.
  [[nodiscard]] bool session_ok(const Ctx& ctx, Res& res, const auth::JwtClaims& bearer,
                                const Admitted& admitted) const;
  void business(const Ctx& ctx, Res& res) const;
  // The parameters of an availability request; nullopt (and a 400 written)
  // when they are not valid.
  struct AvailabilityRequest {
    std::string service_id;  // may be empty with `reschedule`
    domain::LocalDate from{};
    domain::LocalDate to{};
    std::string variant;  // tz as requested (empty: the business's zone)
    std::optional<domain::TimeZone> display;
    std::optional<std::string> reschedule;  // the booking being moved
  };
  [[nodiscard]] std::optional<AvailabilityRequest> availability_request(const Ctx& ctx,
                                                                        Res& res) const;
  void availability(const Ctx& ctx, Res& res) const;
  // availability with reschedule=<booking id>: the starts /reschedule would
  // accept for that booking, for its owner or its manage token only.
  void reschedule_availability(const Ctx& ctx, Res& res, const AvailabilityRequest& request) const;
  // Who asks to move a booking: the owner (a valid Bearer token's user) or
  // a customer (a manage token, checked against the booking later).
  struct Mover {
    std::optional<std::string> owner_user_id;
    auth::JwtClaims owner;  // the owner's token, when owner_user_id is set
    std::string manage_token;
  };
  // nullopt (and a 401 written) without valid credentials.
  [[nodiscard]] std::optional<Mover> mover(const Ctx& ctx, Res& res) const;
  // The booking `booking_id` of the path's business if `mover` may move it;
  // else nullopt and a 404 (or the database's error) written.
  [[nodiscard]] std::optional<BookingRow> movable_booking(const Ctx& ctx, Res& res,
                                                          const Mover& mover,
                                                          const std::string& booking_id) const;
  // The rows for an availability request, from the cache when it may answer.
  [[nodiscard]] Result<std::shared_ptr<const AvailabilityCache::Entry>> availability_entry(
      const Ctx& ctx, const Admitted& admitted, const std::string& service_id,
      domain::LocalDate from, domain::LocalDate to, domain::Instant now) const;
  void booking(const Ctx& ctx, Res& res) const;
  void bookings(const Ctx& ctx, Res& res) const;
  void calendar_ics(const Ctx& ctx, Res& res) const;
  void calendar_feed(const Ctx& ctx, Res& res) const;
  void stats(const Ctx& ctx, Res& res) const;
  void notifications(const Ctx& ctx, Res& res) const;
  void opening_hours(const Ctx& ctx, Res& res) const;
  void customers(const Ctx& ctx, Res& res) const;
  void owner_services(const Ctx& ctx, Res& res) const;
  void my_businesses(const Ctx& ctx, Res& res) const;
  // The request's `limit` (default_page_size when absent); nullopt (and a
  // 400 written) outside 1..max_page_size.
  [[nodiscard]] std::optional<int> page_limit(const httplib::Request& req, Res& res) const;
  // The business id if the request's bearer owns the business in the path
  // (after await_position: the owner is read from the read models); else
  // the error is written.
  std::optional<std::string> owned_business(const Ctx& ctx, Res& res) const;
  // The same, with the business's current row.
  std::optional<BusinessRow> owned_business_row(const Ctx& ctx, Res& res) const;

  const ReadStore& store_;
  const Access& access_;
  QueryOptions options_;
  BusinessOwners owners_;
  service::Counter& position_timeouts_;
  AvailabilityCache* cache_;
  OwnerSessions* sessions_;
  service::Counter& cache_hits_;
  service::Counter& cache_misses_;
  service::Counter& cache_bypassed_;
};

}  // namespace slotwise::query
