// The business aggregate (subject sw.evt.business.<biz_id>): profile, public
// slug, IANA time zone, currency, booking policy and services. Its slug is
// unique because creation first claims it in the slug claim aggregate
// (slug_claim.h, included here for that reason).
//
// Every command but CreateBusiness names an existing business and is
// checked in this order: the business exists (not_found), the actor owns it
// (forbidden), the input is valid, the service exists / is active.
//
// Thread safety: plain values and pure functions.
// Errors (DomainError codes): not_found, forbidden, validation_failed (the
// message names the field), slug_reserved, unknown_time_zone,
// unknown_currency, service_retired (updating a retired service without
// restoring it),
// invalid_state (creating an existing business or defining an existing
// service with different data). Commands that would change nothing (a
// retried create or define, an unchanged profile, retiring a retired
// service) yield no events.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "domain/business_policy.h"
#include "domain/business_profile.h"
#include "domain/domain_error.h"
#include "domain/instant.h"
#include "domain/service.h"
#include "domain/slug_claim.h"
#include "slotwise/events/v1/business.pb.h"

namespace slotwise::domain {

struct BusinessState {
  // Empty until created.
  std::string business_id;
  std::string owner_user_id;
  std::string slug;
  BusinessProfile profile;
  // IANA name; resolves with TimeZone::locate.
  std::string time_zone;
  // ISO 4217; every price of the business is in it.
  std::string currency;
  BusinessPolicy policy;
  Instant created_at{};
  // By service id (svc_…); retired services stay with active = false.
  std::map<std::string, Service> services;
  // How many times the owner reset the private calendar feed URL; a feed
  // token is valid only for the current generation.
  std::int64_t feed_generation = 0;

  [[nodiscard]] bool exists() const { return !business_id.empty(); }
  friend bool operator==(const BusinessState&, const BusinessState&) = default;
};

// The actor becomes the owner.
struct CreateBusiness {
  std::string business_id;
  std::string actor_user_id;
  std::string slug;
  BusinessProfile profile;
  std::string time_zone;
  std::string currency;
  BusinessPolicy policy;
  Instant now{};
};

// Replaces the whole profile and the zone (a PATCH is merged by the caller).
struct UpdateProfile {
  std::string business_id;
  std::string actor_user_id;
  BusinessProfile profile;
  std::string time_zone;
};

struct ChangePolicy {
  std::string business_id;
  std::string actor_user_id;
  BusinessPolicy policy;
};

struct DefineService {
  std::string business_id;
  std::string actor_user_id;
  std::string service_id;
  ServiceDefinition definition;
};

// Replaces the whole definition. `active` true restores a retired service
// (ServiceRestored, then ServiceUpdated if the definition changes, in one
// commit); false retires it after the change (ServiceRetired); absent keeps
// it as it is, and a retired service then refuses changes (service_retired).
struct UpdateService {
  std::string business_id;
  std::string actor_user_id;
  std::string service_id;
  ServiceDefinition definition;
  std::optional<bool> active = std::nullopt;
};

struct RetireService {
  std::string business_id;
  std::string actor_user_id;
  std::string service_id;
};

// Revokes the current calendar feed URL: always a new generation (a retry
// revokes once more, which only the owner's own fresh URL notices).
struct ResetCalendarFeed {
  std::string business_id;
  std::string actor_user_id;
};

using BusinessCommand = std::variant<CreateBusiness, UpdateProfile, ChangePolicy, DefineService,
                                     UpdateService, RetireService, ResetCalendarFeed>;
using BusinessEvent =
    std::variant<slotwise::events::v1::BusinessCreated,
                 slotwise::events::v1::BusinessProfileUpdated,
                 slotwise::events::v1::BookingPolicyChanged, slotwise::events::v1::ServiceDefined,
                 slotwise::events::v1::ServiceUpdated, slotwise::events::v1::ServiceRetired,
                 slotwise::events::v1::CalendarFeedReset, slotwise::events::v1::ServiceRestored>;

[[nodiscard]] common::Result<std::vector<BusinessEvent>, DomainError> decide(
    const BusinessState& state, const BusinessCommand& command);

[[nodiscard]] BusinessState evolve(BusinessState state, const BusinessEvent& event);

// The service with that id, active or retired; nullptr when there is none.
// What CreateBooking's service snapshot is taken from.
[[nodiscard]] const Service* find_service(const BusinessState& state,
                                          const std::string& service_id);

}  // namespace slotwise::domain
