// The business and slug claim aggregates: creation, slugs, zones,
// currencies, policies, every service rule, and owner-only commands.
#include "domain/business.h"

#include <doctest/doctest.h>

#include "aggregate_test_support.h"
#include "domain/fold.h"
#include "domain/proto_values.h"
#include "domain/slug.h"
#include "test_support.h"

namespace slotwise::domain {
namespace {

using test::code_of;
using test::types;
using test::utc;

const Instant kNow = utc(2026, 3, 1, 12);
const std::string kBiz = "biz_1";
const std::string kOwner = "usr_owner";
const std::string kOther = "usr_other";

CreateBusiness create() {
  BusinessPolicy policy;
  policy.booking = BookingPolicy{.slot_interval_minutes = 15,
                                 .min_notice_minutes = 120,
                                 .horizon_days = 60,
                                 .max_bookings_per_day = 8};
  policy.hold_minutes = 15;
  policy.free_cancellation_cutoff_minutes = 1440;
  policy.late_cancellation_refund_percent = 50;
  return CreateBusiness{kBiz,
                        kOwner,
                        "anna-hair",
                        BusinessProfile{"Anna's Hair", "Cuts and colour", "anna@example.com",
                                        "+44 20 7946 0000", "1 High St"},
                        "Europe/London",
                        "GBP",
                        policy,
                        kNow};
}

std::string create_code(const CreateBusiness& c) { return code_of(decide(BusinessState{}, c)); }

BusinessState created() { return fold(BusinessState{}, decide(BusinessState{}, create()).value()); }

ServiceDefinition haircut() {
  return ServiceDefinition{
      "Haircut",
      "Wash, cut and dry",
      ServiceTiming{.duration_minutes = 45, .buffer_before_minutes = 5, .buffer_after_minutes = 10},
      Money{3500, "GBP"},
      PaymentMode::none,
      std::nullopt};
}

// The code of defining `definition` on a fresh business.
std::string define_code(const ServiceDefinition& definition) {
  return code_of(decide(created(), DefineService{kBiz, kOwner, "svc_1", definition}));
}

// "ok", or the code and message of defining `definition` (its amounts in
// `currency`) on a fresh business pricing in `currency`.
std::string define_in(const std::string& currency, ServiceDefinition definition) {
  CreateBusiness c = create();
  c.currency = currency;
  const BusinessState s = fold(BusinessState{}, decide(BusinessState{}, c).value());
  definition.price.currency = currency;
  if (definition.deposit) definition.deposit->currency = currency;
  auto decided = decide(s, DefineService{kBiz, kOwner, "svc_1", definition});
  return decided.ok() ? std::string("ok") : decided.error().code + ": " + decided.error().message;
}

TEST_CASE("creating a business records every field, and evolve applies it") {
  auto decided = decide(BusinessState{}, create());
  REQUIRE(decided.ok());
  REQUIRE(types(decided.value()) == "BusinessCreated");
  const auto& e = std::get<v1::BusinessCreated>(decided.value()[0]);
  CHECK(e.business_id() == kBiz);
  CHECK(e.owner_user_id() == kOwner);
  CHECK(e.slug() == "anna-hair");
  CHECK(e.profile().name() == "Anna's Hair");
  CHECK(e.time_zone() == "Europe/London");
  CHECK(e.currency() == "GBP");
  CHECK(e.policy().slot_interval_minutes() == 15);
  CHECK(e.policy().hold_minutes() == 15);
  CHECK(to_instant(e.created_at()) == kNow);

  const BusinessState s = fold(BusinessState{}, decided.value());
  CHECK(s.exists());
  CHECK(s.owner_user_id == kOwner);
  CHECK(s.profile == create().profile);
  CHECK(s.policy == create().policy);
  CHECK(s.created_at == kNow);
  CHECK(fold(BusinessState{}, test::through_log(decided.value())) == s);
}

TEST_CASE("creating an existing business: a retry yields nothing, anything else is refused") {
  const BusinessState s = created();
  auto retry = decide(s, create());
  REQUIRE(retry.ok());
  CHECK(retry.value().empty());
  CreateBusiness other = create();
  other.slug = "other-slug";
  CHECK(code_of(decide(s, other)) == "invalid_state");
  other = create();
  other.actor_user_id = kOther;
  CHECK(code_of(decide(s, other)) == "invalid_state");
}

TEST_CASE("slug rules: a-z0-9-, 3 to 40, no edge or double hyphens, not reserved") {
  const auto slug_code = [](std::string_view slug) { return code_of(validate_slug(slug)); };
  CHECK(slug_code("anna-hair") == "ok");
  CHECK(slug_code("a1b") == "ok");
  CHECK(slug_code("123") == "ok");
  CHECK(slug_code(std::string(40, 'a')) == "ok");
  CHECK(slug_code("ab") == "validation_failed");
  CHECK(slug_code("") == "validation_failed");
  CHECK(slug_code(std::string(41, 'a')) == "validation_failed");
  CHECK(slug_code("Anna") == "validation_failed");
  CHECK(slug_code("anna_hair") == "validation_failed");
  CHECK(slug_code("anna hair") == "validation_failed");
  CHECK(slug_code("anna.hair") == "validation_failed");
  CHECK(slug_code("ann\xC3\xA4") == "validation_failed");
  CHECK(slug_code("-anna") == "validation_failed");
  CHECK(slug_code("anna-") == "validation_failed");
  CHECK(slug_code("anna--hair") == "validation_failed");
  for (const char* reserved :
       {"admin", "api",    "app",    "www",      "help",     "support",   "login",  "signup",
        "auth",  "static", "assets", "billing",  "settings", "dashboard", "status", "docs",
        "blog",  "mail",   "root",   "slotwise", "new",      "edit",      "v1"}) {
    CAPTURE(reserved);
    CHECK(slug_code(reserved) ==
          (std::string_view(reserved).size() < 3 ? "validation_failed" : "slug_reserved"));
  }
  CHECK(slug_code("admins") == "ok");

  // CreateBusiness and ClaimSlug apply the same rules.
  CreateBusiness c = create();
  c.slug = "Anna";
  CHECK(create_code(c) == "validation_failed");
  c.slug = "admin";
  CHECK(create_code(c) == "slug_reserved");
  CHECK(code_of(decide(SlugClaimState{}, ClaimSlug{"an", kBiz})) == "validation_failed");
  CHECK(code_of(decide(SlugClaimState{}, ClaimSlug{"www", kBiz})) == "slug_reserved");
}

TEST_CASE("slug claim: once, idempotent for the same business, slug_taken for another") {
  auto first = decide(SlugClaimState{}, ClaimSlug{"anna-hair", "biz_1"});
  REQUIRE(first.ok());
  REQUIRE(types(first.value()) == "SlugClaimed");
  const SlugClaimState claimed = fold(SlugClaimState{}, test::through_log(first.value()));
  CHECK(claimed == SlugClaimState{"anna-hair", "biz_1"});
  CHECK(decide(claimed, ClaimSlug{"anna-hair", "biz_1"}).value().empty());
  CHECK(code_of(decide(claimed, ClaimSlug{"anna-hair", "biz_2"})) == "slug_taken");

  // Two concurrent creations both decide a claim against the empty state;
  // the store's "no stream" check lets the first through, and the second's
  // decision after reloading is slug_taken.
  auto second = decide(SlugClaimState{}, ClaimSlug{"anna-hair", "biz_2"});
  REQUIRE(second.ok());
  CHECK(types(second.value()) == "SlugClaimed");

  // A released slug can be claimed again.
  v1::SlugReleased released;
  released.set_slug("anna-hair");
  released.set_business_id("biz_1");
  const SlugClaimState free = evolve(claimed, SlugClaimEvent{released});
  CHECK_FALSE(free.claimed());
  CHECK(types(decide(free, ClaimSlug{"anna-hair", "biz_2"}).value()) == "SlugClaimed");
  // A claim aggregate is keyed by its slug.
  CHECK(code_of(decide(claimed, ClaimSlug{"other-slug", "biz_1"})) == "invalid_state");
}

TEST_CASE("slug release: only by the holder, idempotent") {
  const SlugClaimState claimed =
      fold(SlugClaimState{},
           test::through_log(decide(SlugClaimState{}, ClaimSlug{"anna-hair", "biz_1"}).value()));
  // Another business cannot release it: nothing happens.
  CHECK(decide(claimed, ReleaseSlug{"anna-hair", "biz_2"}).value().empty());
  auto released = decide(claimed, ReleaseSlug{"anna-hair", "biz_1"});
  REQUIRE(released.ok());
  REQUIRE(types(released.value()) == "SlugReleased");
  const SlugClaimState free = fold(claimed, test::through_log(released.value()));
  CHECK_FALSE(free.claimed());
  // Released twice: nothing more.
  CHECK(decide(free, ReleaseSlug{"anna-hair", "biz_1"}).value().empty());
  CHECK(decide(SlugClaimState{}, ReleaseSlug{"anna-hair", "biz_1"}).value().empty());
  CHECK(code_of(decide(claimed, ReleaseSlug{"anna-hair", ""})) == "validation_failed");
  CHECK(code_of(decide(claimed, ReleaseSlug{"other-slug", "biz_1"})) == "invalid_state");
  // And then anyone can claim it.
  CHECK(types(decide(free, ClaimSlug{"anna-hair", "biz_2"}).value()) == "SlugClaimed");
}

TEST_CASE("time zone must be an IANA zone, currency an active ISO 4217 code") {
  CreateBusiness c = create();
  c.time_zone = "Mars/Olympus_Mons";
  CHECK(create_code(c) == "unknown_time_zone");
  c.time_zone = "europe/london";
  CHECK(create_code(c) == "unknown_time_zone");
  c.time_zone = "";
  CHECK(create_code(c) == "unknown_time_zone");
  c.time_zone = "Asia/Kathmandu";
  CHECK(create_code(c) == "ok");

  c = create();
  for (const char* ok : {"EUR", "USD", "JPY", "GBP", "CHF", "NZD", "XOF"}) {
    c.currency = ok;
    CAPTURE(ok);
    CHECK(create_code(c) == "ok");
  }
  c.currency = "eur";
  CHECK(create_code(c) == "validation_failed");
  c.currency = "EURO";
  CHECK(create_code(c) == "validation_failed");
  c.currency = "";
  CHECK(create_code(c) == "validation_failed");
  for (const char* unknown : {"ABC", "XAU", "XTS", "HRK", "USN"}) {
    c.currency = unknown;
    CAPTURE(unknown);
    CHECK(create_code(c) == "unknown_currency");
  }
}

TEST_CASE("policy and profile are validated") {
  CreateBusiness c = create();
  c.policy.booking.slot_interval_minutes = 0;
  CHECK(create_code(c) == "validation_failed");
  c = create();
  c.policy.booking.horizon_days = -1;
  CHECK(create_code(c) == "validation_failed");
  c = create();
  c.policy.booking.max_bookings_per_day = -1;
  CHECK(create_code(c) == "validation_failed");
  c = create();
  c.policy.hold_minutes = 0;
  CHECK(create_code(c) == "validation_failed");
  c.policy.hold_minutes = 1441;
  CHECK(create_code(c) == "validation_failed");
  c = create();
  c.policy.late_cancellation_refund_percent = 101;
  CHECK(create_code(c) == "validation_failed");
  c = create();
  c.policy.free_cancellation_cutoff_minutes = -1;
  CHECK(create_code(c) == "validation_failed");

  c = create();
  c.profile.name = "";
  CHECK(create_code(c) == "validation_failed");
  c.profile.name = std::string(121, 'x');
  CHECK(create_code(c) == "validation_failed");
  c = create();
  c.profile.contact_email = "anna at example";
  CHECK(create_code(c) == "validation_failed");
  c.profile.contact_email = "";
  CHECK(create_code(c) == "ok");
  c.profile.description = std::string(2001, 'x');
  CHECK(create_code(c) == "validation_failed");
  c.profile.description = "Line one\nLine two";
  CHECK(create_code(c) == "ok");
}

TEST_CASE("service rules: name, duration, price, buffers, payment mode, deposit") {
  CHECK(define_code(haircut()) == "ok");
  ServiceDefinition d = haircut();
  d.name = "";
  CHECK(define_code(d) == "validation_failed");
  d.name = std::string(120, 'n');
  CHECK(define_code(d) == "ok");
  d.name = std::string(121, 'n');
  CHECK(define_code(d) == "validation_failed");

  d = haircut();
  d.description = std::string(2001, 'd');
  CHECK(define_code(d) == "validation_failed");

  for (const auto& [minutes, code] : std::vector<std::pair<int, const char*>>{
           {4, "validation_failed"}, {5, "ok"}, {480, "ok"}, {481, "validation_failed"}}) {
    d = haircut();
    d.timing.duration_minutes = minutes;
    const int captured = minutes;  // a structured binding cannot be captured
    CAPTURE(captured);
    CHECK(define_code(d) == code);
  }
  for (const auto& [amount, code] :
       std::vector<std::pair<std::int64_t, const char*>>{{-1, "validation_failed"},
                                                         {0, "ok"},
                                                         {1'000'000'000, "ok"},
                                                         {1'000'000'001, "validation_failed"}}) {
    d = haircut();
    d.price.amount_minor = amount;
    const std::int64_t captured = amount;  // a structured binding cannot be captured
    CAPTURE(captured);
    CHECK(define_code(d) == code);
  }
  d = haircut();
  d.price.currency = "EUR";  // the business prices in GBP
  CHECK(define_code(d) == "validation_failed");

  for (const auto& [minutes, code] : std::vector<std::pair<int, const char*>>{
           {-1, "validation_failed"}, {0, "ok"}, {240, "ok"}, {241, "validation_failed"}}) {
    const int captured = minutes;  // a structured binding cannot be captured
    CAPTURE(captured);
    d = haircut();
    d.timing.buffer_before_minutes = minutes;
    CHECK(define_code(d) == code);
    d = haircut();
    d.timing.buffer_after_minutes = minutes;
    CHECK(define_code(d) == code);
  }

  d = haircut();
  d.payment_mode = static_cast<PaymentMode>(7);
  CHECK(define_code(d) == "validation_failed");
  d.payment_mode = PaymentMode::full;
  CHECK(define_code(d) == "ok");
  d.deposit = Money{500, "GBP"};  // a deposit only goes with deposit mode
  CHECK(define_code(d) == "validation_failed");
  d.payment_mode = PaymentMode::none;
  CHECK(define_code(d) == "validation_failed");
  d.payment_mode = PaymentMode::deposit;
  CHECK(define_code(d) == "ok");
  d.deposit = Money{3500, "GBP"};  // the whole price is allowed
  CHECK(define_code(d) == "ok");
  d.deposit = Money{3501, "GBP"};
  CHECK(define_code(d) == "validation_failed");
  d.deposit = Money{0, "GBP"};
  CHECK(define_code(d) == "validation_failed");
  d.deposit = Money{500, "EUR"};
  CHECK(define_code(d) == "validation_failed");
  d.deposit.reset();
  CHECK(define_code(d) == "validation_failed");

  CHECK(define_code(haircut()) == "ok");
  CHECK(code_of(decide(created(), DefineService{kBiz, kOwner, "", haircut()})) ==
        "validation_failed");
}

TEST_CASE("what is paid through Stripe must be an amount Stripe takes in the currency") {
  ServiceDefinition d = haircut();
  d.price.amount_minor = 12345;        // 12.345 KWD: Stripe needs the last digit 0
  CHECK(define_in("KWD", d) == "ok");  // nothing is paid through Stripe
  d.payment_mode = PaymentMode::full;
  CHECK(define_in("KWD", d) ==
        "validation_failed: price: 12345 minor units of KWD cannot be paid through Stripe: it "
        "takes KWD in multiples of 10 minor units");
  d.price.amount_minor = 12340;
  CHECK(define_in("KWD", d) == "ok");
  d.payment_mode = PaymentMode::deposit;
  d.deposit = Money{1005, "KWD"};
  CHECK(define_in("KWD", d).find("validation_failed: deposit: 1005 minor units") == 0);
  d.deposit = Money{1000, "KWD"};
  CHECK(define_in("KWD", d) == "ok");
  d.price.amount_minor = 12345;  // only the deposit is paid through Stripe
  CHECK(define_in("KWD", d) == "ok");

  d = haircut();
  d.payment_mode = PaymentMode::full;
  d.price.amount_minor = 500050;  // 5000.50 ariary: Stripe takes whole ariary
  CHECK(define_in("MGA", d).find("validation_failed: price:") == 0);
  d.price.amount_minor = 500000;
  CHECK(define_in("MGA", d) == "ok");
  d.price.amount_minor = 4999;  // whole krónur: Stripe is sent 499900
  CHECK(define_in("ISK", d) == "ok");
  CHECK(define_in("IQD", d) == "validation_failed: price: Stripe takes no payments in IQD");
  d.payment_mode = PaymentMode::none;
  CHECK(define_in("IQD", d) == "ok");
}

TEST_CASE("what is paid through Stripe is within Stripe's limits, in a currency it takes") {
  ServiceDefinition d = haircut();
  d.payment_mode = PaymentMode::deposit;
  d.deposit = Money{20, "EUR"};  // 0.20 EUR; Stripe charges at least 0.50
  CHECK(define_in("EUR", d) ==
        "validation_failed: deposit: 20 minor units of EUR is less than Stripe's minimum charge "
        "in EUR, 50 minor units");
  d.deposit = Money{50, "EUR"};
  CHECK(define_in("EUR", d) == "ok");
  d = haircut();
  d.payment_mode = PaymentMode::full;
  d.price.amount_minor = 0;  // nothing is charged: no minimum
  CHECK(define_in("EUR", d) == "ok");

  d.price.amount_minor = 1'000'000;  // 1,000,000 kr.: Stripe's 100000000, 9 digits
  CHECK(define_in("ISK", d) ==
        "validation_failed: price: 1000000 minor units of ISK is more than Stripe's maximum charge "
        "in ISK, 999999 minor units");
  d.price.amount_minor = 999'999;
  CHECK(define_in("ISK", d) == "ok");
  d.price.amount_minor = 1'000'000;
  d.payment_mode = PaymentMode::deposit;  // only the deposit is charged
  d.deposit = Money{5000, "ISK"};
  CHECK(define_in("ISK", d) == "ok");

  for (const char* code : {"KPW", "IRR", "SYP", "CUP"}) {
    CAPTURE(code);
    d = haircut();
    d.payment_mode = PaymentMode::full;
    CHECK(define_in(code, d) ==
          "validation_failed: price: Stripe takes no payments in " + std::string(code));
    d.price.amount_minor = 0;
    CHECK(define_in(code, d).find("Stripe takes no payments in") != std::string::npos);
    d.payment_mode = PaymentMode::deposit;
    d.price.amount_minor = 5000;
    d.deposit = Money{1000, code};
    CHECK(define_in(code, d) ==
          "validation_failed: deposit: Stripe takes no payments in " + std::string(code));
    d = haircut();  // free: any currency SlotWise knows
    CHECK(define_in(code, d) == "ok");
  }
}

TEST_CASE("service life cycle: define, update, retire; a retired service cannot be updated") {
  BusinessState s = created();
  auto defined = decide(s, DefineService{kBiz, kOwner, "svc_1", haircut()});
  REQUIRE(types(defined.value()) == "ServiceDefined");
  s = fold(s, defined.value());
  REQUIRE(find_service(s, "svc_1") != nullptr);
  CHECK(find_service(s, "svc_1")->active);
  CHECK(find_service(s, "svc_1")->definition == haircut());

  // Defining the same again is a retry; other data under the same id is not.
  CHECK(decide(s, DefineService{kBiz, kOwner, "svc_1", haircut()}).value().empty());
  ServiceDefinition longer = haircut();
  longer.timing.duration_minutes = 60;
  CHECK(code_of(decide(s, DefineService{kBiz, kOwner, "svc_1", longer})) == "invalid_state");

  auto updated = decide(s, UpdateService{kBiz, kOwner, "svc_1", longer});
  REQUIRE(types(updated.value()) == "ServiceUpdated");
  s = fold(s, updated.value());
  CHECK(find_service(s, "svc_1")->definition == longer);
  CHECK(decide(s, UpdateService{kBiz, kOwner, "svc_1", longer}).value().empty());
  ServiceDefinition bad = longer;
  bad.timing.duration_minutes = 500;
  CHECK(code_of(decide(s, UpdateService{kBiz, kOwner, "svc_1", bad})) == "validation_failed");
  CHECK(code_of(decide(s, UpdateService{kBiz, kOwner, "svc_9", longer})) == "not_found");

  auto retired = decide(s, RetireService{kBiz, kOwner, "svc_1"});
  REQUIRE(types(retired.value()) == "ServiceRetired");
  s = fold(s, retired.value());
  CHECK_FALSE(find_service(s, "svc_1")->active);
  CHECK(decide(s, RetireService{kBiz, kOwner, "svc_1"}).value().empty());
  CHECK(code_of(decide(s, UpdateService{kBiz, kOwner, "svc_1", haircut()})) == "service_retired");
  CHECK(code_of(decide(s, DefineService{kBiz, kOwner, "svc_1", longer})) == "invalid_state");
  CHECK(code_of(decide(s, RetireService{kBiz, kOwner, "svc_9"})) == "not_found");
}

TEST_CASE("a retired service comes back with active true, with any change in the same decision") {
  BusinessState s = created();
  s = fold(s, decide(s, DefineService{kBiz, kOwner, "svc_1", haircut()}).value());
  s = fold(s, decide(s, RetireService{kBiz, kOwner, "svc_1"}).value());
  REQUIRE_FALSE(find_service(s, "svc_1")->active);

  // Without active, or with active false, a change is refused as before.
  ServiceDefinition longer = haircut();
  longer.timing.duration_minutes = 60;
  CHECK(code_of(decide(s, UpdateService{kBiz, kOwner, "svc_1", longer, std::nullopt})) ==
        "service_retired");
  CHECK(code_of(decide(s, UpdateService{kBiz, kOwner, "svc_1", longer, false})) ==
        "service_retired");
  CHECK(decide(s, UpdateService{kBiz, kOwner, "svc_1", haircut(), false}).value().empty());
  // Only the owner restores, and only a service that exists, to today's rules.
  CHECK(code_of(decide(s, UpdateService{kBiz, kOther, "svc_1", haircut(), true})) == "forbidden");
  CHECK(code_of(decide(s, UpdateService{kBiz, kOwner, "svc_9", haircut(), true})) == "not_found");
  ServiceDefinition bad = haircut();
  bad.timing.duration_minutes = 500;
  CHECK(code_of(decide(s, UpdateService{kBiz, kOwner, "svc_1", bad, true})) == "validation_failed");

  auto plain = decide(s, UpdateService{kBiz, kOwner, "svc_1", haircut(), true});
  CHECK(types(plain.value()) == "ServiceRestored");
  auto changed = decide(s, UpdateService{kBiz, kOwner, "svc_1", longer, true});
  REQUIRE(types(changed.value()) == "ServiceRestored ServiceUpdated");
  s = fold(s, changed.value());
  CHECK(find_service(s, "svc_1")->active);
  CHECK(find_service(s, "svc_1")->definition == longer);
  // Restoring an offered service is a retry; active false retires it after a change.
  CHECK(decide(s, UpdateService{kBiz, kOwner, "svc_1", longer, true}).value().empty());
  auto retire = decide(s, UpdateService{kBiz, kOwner, "svc_1", haircut(), false});
  REQUIRE(types(retire.value()) == "ServiceUpdated ServiceRetired");
  s = fold(s, retire.value());
  CHECK_FALSE(find_service(s, "svc_1")->active);
  CHECK(find_service(s, "svc_1")->definition == haircut());
}

TEST_CASE("profile and policy updates carry the whole value; no change yields nothing") {
  BusinessState s = created();
  BusinessProfile profile = s.profile;
  profile.description = "Now also beards";
  auto updated = decide(s, UpdateProfile{kBiz, kOwner, profile, "Europe/Dublin"});
  REQUIRE(types(updated.value()) == "BusinessProfileUpdated");
  const auto& e = std::get<v1::BusinessProfileUpdated>(updated.value()[0]);
  CHECK(e.profile().name() == "Anna's Hair");
  CHECK(e.profile().description() == "Now also beards");
  CHECK(e.time_zone() == "Europe/Dublin");
  s = fold(s, updated.value());
  CHECK(s.time_zone == "Europe/Dublin");
  CHECK(s.profile == profile);
  CHECK(decide(s, UpdateProfile{kBiz, kOwner, profile, "Europe/Dublin"}).value().empty());
  CHECK(code_of(decide(s, UpdateProfile{kBiz, kOwner, profile, "Europe/Atlantis"})) ==
        "unknown_time_zone");

  BusinessPolicy policy = s.policy;
  policy.booking.min_notice_minutes = 0;
  auto changed = decide(s, ChangePolicy{kBiz, kOwner, policy});
  REQUIRE(types(changed.value()) == "BookingPolicyChanged");
  s = fold(s, changed.value());
  CHECK(s.policy == policy);
  CHECK(decide(s, ChangePolicy{kBiz, kOwner, policy}).value().empty());
  policy.booking.slot_interval_minutes = 1441;
  CHECK(code_of(decide(s, ChangePolicy{kBiz, kOwner, policy})) == "validation_failed");
}

TEST_CASE("each calendar feed reset starts a new generation, also when retried") {
  BusinessState s = created();
  CHECK(s.feed_generation == 0);
  auto first = decide(s, ResetCalendarFeed{kBiz, kOwner});
  REQUIRE(types(first.value()) == "CalendarFeedReset");
  CHECK(std::get<v1::CalendarFeedReset>(first.value()[0]).generation() == 1);
  CHECK(std::get<v1::CalendarFeedReset>(first.value()[0]).business_id() == kBiz);
  s = fold(s, first.value());
  CHECK(s.feed_generation == 1);
  // Not idempotent on purpose: a second reset revokes the URL handed out
  // after the first one too.
  auto second = decide(s, ResetCalendarFeed{kBiz, kOwner});
  CHECK(std::get<v1::CalendarFeedReset>(second.value()[0]).generation() == 2);
  s = fold(s, second.value());
  CHECK(s.feed_generation == 2);
  // A damaged log replaying an older generation after a newer one cannot
  // bring a revoked token back.
  s = fold(s, first.value());
  CHECK(s.feed_generation == 2);
}

TEST_CASE("every command on a business by another user is forbidden; unknown ones not_found") {
  BusinessState s = created();
  s = fold(s, decide(s, DefineService{kBiz, kOwner, "svc_1", haircut()}).value());
  const std::vector<BusinessCommand> by_other = {
      UpdateProfile{kBiz, kOther, s.profile, s.time_zone},
      ChangePolicy{kBiz, kOther, s.policy},
      DefineService{kBiz, kOther, "svc_2", haircut()},
      UpdateService{kBiz, kOther, "svc_1", haircut()},
      RetireService{kBiz, kOther, "svc_1"},
      ResetCalendarFeed{kBiz, kOther},
  };
  for (const BusinessCommand& c : by_other) {
    CAPTURE(c.index());
    CHECK(code_of(decide(s, c)) == "forbidden");
    // Nothing for an anonymous caller either.
    BusinessCommand anonymous = c;
    std::visit([](auto& command) { command.actor_user_id.clear(); }, anonymous);
    CHECK(code_of(decide(s, anonymous)) == "forbidden");
    // No business at all: not_found, whoever asks.
    CHECK(code_of(decide(BusinessState{}, c)) == "not_found");
  }
  // A command naming another business is not about this one.
  CHECK(code_of(decide(s, RetireService{"biz_2", kOwner, "svc_1"})) == "not_found");
}

TEST_CASE("replaying the decided events rebuilds the state the decisions ran against") {
  BusinessState running;
  std::vector<BusinessEvent> log;
  ServiceDefinition deposit = haircut();
  deposit.payment_mode = PaymentMode::deposit;
  deposit.deposit = Money{1000, "GBP"};
  BusinessProfile profile = create().profile;
  profile.name = "Anna & Co";
  const std::vector<BusinessCommand> commands = {
      create(),
      DefineService{kBiz, kOwner, "svc_1", haircut()},
      DefineService{kBiz, kOwner, "svc_2", deposit},
      UpdateService{kBiz, kOwner, "svc_1", deposit},
      RetireService{kBiz, kOwner, "svc_2"},
      UpdateProfile{kBiz, kOwner, profile, "America/New_York"},
      ChangePolicy{kBiz, kOwner, BusinessPolicy{}},
      ResetCalendarFeed{kBiz, kOwner},
  };
  for (const BusinessCommand& c : commands) {
    auto decided = decide(running, c);
    REQUIRE(decided.ok());
    REQUIRE(decided.value().size() == 1);
    running = fold(std::move(running), decided.value());
    log.insert(log.end(), decided.value().begin(), decided.value().end());
  }
  CHECK(fold(BusinessState{}, test::through_log(log)) == running);
  CHECK(running.services.size() == 2);
  CHECK(running.services.at("svc_1").definition == deposit);
  CHECK_FALSE(running.services.at("svc_2").active);
  CHECK(running.time_zone == "America/New_York");
}

}  // namespace
}  // namespace slotwise::domain
