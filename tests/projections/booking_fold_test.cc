// The booking fold: a batch's booking events become the rows they leave
// behind, with evolve()'s rules (first create wins, events about unknown or
// foreign bookings change nothing), and exactly the aggregate keys they touch.
#include <doctest/doctest.h>

#include "projections/booking_fold.h"

namespace slotwise::projections {
namespace {

using Kind = BookingOp::Kind;
using Keys = std::set<std::pair<std::string, std::string>>;

BookingRow row(const std::string& id, const std::string& business, std::uint64_t seq) {
  BookingRow r;
  r.booking_id = id;
  r.business_id = business;
  r.service_id = "svc_1";
  r.status = "tentative";
  r.start_at = "2026-06-01T09:00:00Z";
  r.end_at = "2026-06-01T10:00:00Z";
  r.local_date = "2026-06-01";
  r.time_zone = "Europe/London";
  r.customer_email_normalized = "ada@example.com";
  r.created_at = "2026-05-01T00:00:0" + std::to_string(seq) + "Z";
  r.updated_at = r.created_at;
  r.version = seq;
  return r;
}

// Ops carry their history row index in order of appearance.
struct Batch {
  std::vector<BookingOp> ops;

  void create(const std::string& id, const std::string& business, std::uint64_t seq) {
    BookingOp o = base(Kind::kCreate, id, business, seq);
    o.row = row(id, business, seq);
    ops.push_back(o);
  }
  void status(const std::string& id, const std::string& business, std::uint64_t seq,
              const std::string& status) {
    BookingOp o = base(Kind::kStatus, id, business, seq);
    o.status = status;
    ops.push_back(o);
  }
  void move(const std::string& id, const std::string& business, std::uint64_t seq,
            std::int64_t start_epoch) {
    BookingOp o = base(Kind::kMove, id, business, seq);
    o.start = domain::Instant{std::chrono::seconds(start_epoch)};
    o.start_at = "moved-start";
    o.end_at = "moved-end";
    ops.push_back(o);
  }
  void note(const std::string& id, const std::string& business, std::uint64_t seq) {
    ops.push_back(base(Kind::kNote, id, business, seq));
  }
  [[nodiscard]] FoldedBookings fold(const std::map<std::string, KnownBooking>& known = {}) const {
    return fold_bookings(ops, known, ops.size());
  }

 private:
  BookingOp base(Kind kind, const std::string& id, const std::string& business,
                 std::uint64_t seq) const {
    BookingOp o;
    o.kind = kind;
    o.booking_id = id;
    o.business_id = business;
    o.seq = seq;
    o.at = "at-" + std::to_string(seq);
    o.history = ops.size();
    return o;
  }
};

}  // namespace

TEST_CASE("a booking created and confirmed in one batch is one inserted row") {
  Batch b;
  b.create("bkg_1", "biz_a", 10);
  b.status("bkg_1", "biz_a", 11, "confirmed");
  const FoldedBookings f = b.fold();
  REQUIRE(f.inserts.size() == 1);
  CHECK(f.inserts[0].status == "confirmed");
  CHECK(f.inserts[0].version == 11);
  CHECK(f.inserts[0].updated_at == "at-11");
  CHECK(f.inserts[0].created_at == row("bkg_1", "biz_a", 10).created_at);
  CHECK(f.patches.empty());
  CHECK(f.keep_history == std::vector<bool>{true, true});
  CHECK(f.stat_days == Keys{{"biz_a", "2026-06-01"}});
  CHECK(f.customer_keys == Keys{{"biz_a", "ada@example.com"}});
  CHECK(f.moved_customer_keys.empty());  // only a new booking
}

TEST_CASE("the first create wins, in the batch and against the table") {
  Batch b;
  b.create("bkg_1", "biz_a", 10);
  b.create("bkg_1", "biz_a", 11);  // a repeat: changes nothing
  b.create("bkg_old", "biz_a", 12);
  const FoldedBookings f =
      b.fold({{"bkg_old", KnownBooking{"biz_a", "Europe/London", "2026-05-30", "x@example.com"}}});
  REQUIRE(f.inserts.size() == 1);
  CHECK(f.inserts[0] == row("bkg_1", "biz_a", 10));
  CHECK(f.patches.empty());
  // Each event found its booking in its own business: history kept.
  CHECK(f.keep_history == std::vector<bool>{true, true, true});
}

TEST_CASE("events about unknown or foreign bookings change nothing and leave no history") {
  Batch b;
  b.status("bkg_ghost", "biz_a", 10, "cancelled");
  b.status("bkg_1", "biz_a", 11, "confirmed");  // before its create: unknown then
  b.create("bkg_1", "biz_a", 12);
  b.status("bkg_1", "biz_b", 13, "cancelled");  // another business's calendar
  b.move("bkg_1", "biz_b", 14, 1'780'000'000);
  b.create("bkg_1", "biz_b", 15);  // the id is taken by biz_a
  const FoldedBookings f = b.fold();
  REQUIRE(f.inserts.size() == 1);
  CHECK(f.inserts[0] == row("bkg_1", "biz_a", 12));
  CHECK(f.patches.empty());
  CHECK(f.keep_history == std::vector<bool>{false, false, true, false, false, false});
  CHECK(f.stat_days == Keys{{"biz_a", "2026-06-01"}});
}

TEST_CASE("changes to a booking already in the table become one patch, last change last") {
  Batch b;
  // 2026-06-02T02:30Z is still June 1st in New York.
  b.move("bkg_1", "biz_a", 20, 1'780'367'400);
  b.status("bkg_1", "biz_a", 21, "confirmed");
  const FoldedBookings f = b.fold(
      {{"bkg_1", KnownBooking{"biz_a", "America/New_York", "2026-05-20", "ada@example.com"}}});
  CHECK(f.inserts.empty());
  REQUIRE(f.patches.size() == 1);
  const BookingPatch& p = f.patches[0];
  CHECK(p.booking_id == "bkg_1");
  CHECK(p.status == std::optional<std::string>("confirmed"));
  CHECK(p.start_at == std::optional<std::string>("moved-start"));
  CHECK(p.end_at == std::optional<std::string>("moved-end"));
  CHECK(p.local_date == std::optional<std::string>("2026-06-01"));
  CHECK(p.updated_at == "at-21");
  CHECK(p.version == 21);
  // The day it left and the day it moved to are both recomputed.
  CHECK(f.stat_days == Keys{{"biz_a", "2026-05-20"}, {"biz_a", "2026-06-01"}});
  CHECK(f.customer_keys == Keys{{"biz_a", "ada@example.com"}});
  CHECK(f.moved_customer_keys == Keys{{"biz_a", "ada@example.com"}});
  CHECK(f.keep_history == std::vector<bool>{true, true});
}

TEST_CASE("a status change alone patches only the status") {
  Batch b;
  b.status("bkg_1", "biz_a", 30, "no_show");
  const FoldedBookings f =
      b.fold({{"bkg_1", KnownBooking{"biz_a", "Europe/London", "2026-05-20", "ada@example.com"}}});
  REQUIRE(f.patches.size() == 1);
  CHECK(f.patches[0] ==
        BookingPatch{"bkg_1", "no_show", std::nullopt, std::nullopt, std::nullopt, "at-30", 30});
  CHECK(f.stat_days == Keys{{"biz_a", "2026-05-20"}});
  CHECK(f.customer_keys.empty());  // a status does not change the customer row
}

TEST_CASE("a note (a refund) keeps its history row and changes no row") {
  Batch b;
  b.note("bkg_new", "biz_a", 39);  // before its create: unknown then
  b.create("bkg_new", "biz_a", 40);
  b.note("bkg_new", "biz_a", 41);
  b.note("bkg_1", "biz_a", 42);
  b.note("bkg_1", "biz_b", 43);  // another business's
  b.note("bkg_ghost", "biz_a", 44);
  const FoldedBookings f =
      b.fold({{"bkg_1", KnownBooking{"biz_a", "Europe/London", "2026-05-20", "ada@example.com"}}});
  REQUIRE(f.inserts.size() == 1);
  CHECK(f.inserts[0] == row("bkg_new", "biz_a", 40));
  CHECK(f.patches.empty());
  CHECK(f.keep_history == std::vector<bool>{false, true, true, true, false, false});
  CHECK(f.stat_days == Keys{{"biz_a", "2026-06-01"}});  // the new booking's day only
}

TEST_CASE("a booking without an email touches no customer row") {
  Batch b;
  b.move("bkg_1", "biz_a", 31, 1'780'367'400);
  const FoldedBookings f =
      b.fold({{"bkg_1", KnownBooking{"biz_a", "Europe/London", "2026-05-20", ""}}});
  CHECK(f.stat_days == Keys{{"biz_a", "2026-05-20"}, {"biz_a", "2026-06-02"}});
  CHECK(f.customer_keys.empty());
}

TEST_CASE("a booking moved within its creating batch keeps one row in its new place") {
  Batch b;
  b.create("bkg_1", "biz_a", 40);
  b.move("bkg_1", "biz_a", 41, 1'780'367'400);  // 2026-06-02 03:30 in London
  const FoldedBookings f = b.fold();
  REQUIRE(f.inserts.size() == 1);
  CHECK(f.inserts[0].start_at == "moved-start");
  CHECK(f.inserts[0].local_date == "2026-06-02");
  CHECK(f.inserts[0].version == 41);
  CHECK(f.stat_days == Keys{{"biz_a", "2026-06-01"}, {"biz_a", "2026-06-02"}});
}

TEST_CASE("local dates follow the zone, and an unknown zone counts as UTC") {
  const domain::Instant t{std::chrono::seconds(1'780'367'400)};  // 2026-06-02T02:30:00Z
  CHECK(local_date_in(t, "America/New_York") == "2026-06-01");
  CHECK(local_date_in(t, "Asia/Kathmandu") == "2026-06-02");
  CHECK(local_date_in(t, "Not/AZone") == "2026-06-02");
  CHECK(local_date_in(t, "") == "2026-06-02");
}

}  // namespace slotwise::projections
