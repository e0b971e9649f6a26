#include "domain/business.h"

#include <algorithm>
#include <utility>

#include "domain/currency.h"
#include "domain/proto_values.h"
#include "domain/slug.h"
#include "domain/time_zone.h"

namespace slotwise::domain {
namespace {

using Decided = common::Result<std::vector<BusinessEvent>, DomainError>;

common::Unexpected<DomainError> error(std::string_view code, std::string message) {
  return common::fail(make_error(code, std::move(message)));
}

Decided nothing() { return std::vector<BusinessEvent>{}; }

template <class E>
Decided one(E&& event) {
  std::vector<BusinessEvent> events;
  events.emplace_back(std::forward<E>(event));
  return events;
}

common::Result<common::Unit, DomainError> check_time_zone(const std::string& name) {
  if (auto zone = TimeZone::locate(name); !zone) {
    const bool no_db = zone.error().code == TimeZoneErrorCode::database_unavailable;
    return error(error_code::unknown_time_zone,
                 no_db ? std::string("time_zone: the time zone database is unavailable")
                       : "time_zone: '" + name + "' is not an IANA time zone");
  }
  return common::Unit{};
}

common::Result<common::Unit, DomainError> check_currency(const std::string& code) {
  const bool shaped = code.size() == 3 && std::all_of(code.begin(), code.end(),
                                                      [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!shaped) {
    return error(error_code::validation_failed, "currency: must be 3 upper-case letters");
  }
  if (!is_active_currency(code)) {
    return error(error_code::unknown_currency, "currency: '" + code + "' is not an ISO 4217 code");
  }
  return common::Unit{};
}

// The checks every command on an existing business starts with.
common::Result<common::Unit, DomainError> check_owner(const BusinessState& state,
                                                      const std::string& business_id,
                                                      const std::string& actor_user_id) {
  if (!state.exists() || state.business_id != business_id) {
    return error(error_code::not_found, "no such business");
  }
  if (actor_user_id.empty() || actor_user_id != state.owner_user_id) {
    return error(error_code::forbidden, "only the business owner may do this");
  }
  return common::Unit{};
}

Decided decide_create(const BusinessState& state, const CreateBusiness& c) {
  if (state.exists()) {
    // A retry of the same creation (same id, owner and slug) is done already.
    if (state.owner_user_id == c.actor_user_id && state.slug == c.slug) return nothing();
    return error(error_code::invalid_state, "the business already exists");
  }
  if (c.business_id.empty()) {
    return error(error_code::validation_failed, "business_id: is required");
  }
  if (c.actor_user_id.empty()) return error(error_code::forbidden, "an owner is required");
  if (auto r = validate_slug(c.slug); !r) return common::fail(r.error());
  if (auto r = validate_profile(c.profile); !r) return common::fail(r.error());
  if (auto r = check_time_zone(c.time_zone); !r) return common::fail(r.error());
  if (auto r = check_currency(c.currency); !r) return common::fail(r.error());
  if (auto r = validate_business_policy(c.policy); !r) return common::fail(r.error());

  v1::BusinessCreated created;
  created.set_business_id(c.business_id);
  created.set_owner_user_id(c.actor_user_id);
  created.set_slug(c.slug);
  *created.mutable_profile() = to_proto(c.profile);
  created.set_time_zone(c.time_zone);
  created.set_currency(c.currency);
  *created.mutable_policy() = to_proto(c.policy);
  *created.mutable_created_at() = to_timestamp(c.now);
  return one(std::move(created));
}

Decided decide_profile(const BusinessState& state, const UpdateProfile& c) {
  if (auto r = check_owner(state, c.business_id, c.actor_user_id); !r) {
    return common::fail(r.error());
  }
  if (auto r = validate_profile(c.profile); !r) return common::fail(r.error());
  if (auto r = check_time_zone(c.time_zone); !r) return common::fail(r.error());
  if (state.profile == c.profile && state.time_zone == c.time_zone) return nothing();
  v1::BusinessProfileUpdated updated;
  updated.set_business_id(c.business_id);
  *updated.mutable_profile() = to_proto(c.profile);
  updated.set_time_zone(c.time_zone);
  return one(std::move(updated));
}

Decided decide_policy(const BusinessState& state, const ChangePolicy& c) {
  if (auto r = check_owner(state, c.business_id, c.actor_user_id); !r) {
    return common::fail(r.error());
  }
  if (auto r = validate_business_policy(c.policy); !r) return common::fail(r.error());
  if (state.policy == c.policy) return nothing();
  v1::BookingPolicyChanged changed;
  changed.set_business_id(c.business_id);
  *changed.mutable_policy() = to_proto(c.policy);
  return one(std::move(changed));
}

Decided decide_define(const BusinessState& state, const DefineService& c) {
  if (auto r = check_owner(state, c.business_id, c.actor_user_id); !r) {
    return common::fail(r.error());
  }
  if (c.service_id.empty()) return error(error_code::validation_failed, "service_id: is required");
  if (auto r = validate_service(c.definition, state.currency); !r) return common::fail(r.error());
  if (const Service* existing = find_service(state, c.service_id)) {
    if (existing->active && existing->definition == c.definition) return nothing();
    return error(error_code::invalid_state, "a service with this id already exists");
  }
  v1::ServiceDefined defined;
  defined.set_business_id(c.business_id);
  defined.set_service_id(c.service_id);
  *defined.mutable_definition() = to_proto(c.definition);
  return one(std::move(defined));
}

Decided decide_update(const BusinessState& state, const UpdateService& c) {
  if (auto r = check_owner(state, c.business_id, c.actor_user_id); !r) {
    return common::fail(r.error());
  }
  const Service* existing = find_service(state, c.service_id);
  if (existing == nullptr) return error(error_code::not_found, "no such service");
  const bool restore = !existing->active && c.active == true;
  if (!existing->active && !restore) {
    if (c.active == false && existing->definition == c.definition) return nothing();
    return error(error_code::service_retired,
                 "the service is retired; send \"active\": true to restore it");
  }
  // A restored service must meet today's rules too (prices Stripe takes,
  // limits), whatever was allowed when it was defined.
  if (auto r = validate_service(c.definition, state.currency); !r) return common::fail(r.error());
  std::vector<BusinessEvent> out;
  if (restore) {
    v1::ServiceRestored restored;
    restored.set_business_id(c.business_id);
    restored.set_service_id(c.service_id);
    out.emplace_back(std::move(restored));
  }
  if (existing->definition != c.definition) {
    v1::ServiceUpdated updated;
    updated.set_business_id(c.business_id);
    updated.set_service_id(c.service_id);
    *updated.mutable_definition() = to_proto(c.definition);
    out.emplace_back(std::move(updated));
  }
  if (existing->active && c.active == false) {
    v1::ServiceRetired retired;
    retired.set_business_id(c.business_id);
    retired.set_service_id(c.service_id);
    out.emplace_back(std::move(retired));
  }
  return out;
}

Decided decide_retire(const BusinessState& state, const RetireService& c) {
  if (auto r = check_owner(state, c.business_id, c.actor_user_id); !r) {
    return common::fail(r.error());
  }
  const Service* existing = find_service(state, c.service_id);
  if (existing == nullptr) return error(error_code::not_found, "no such service");
  if (!existing->active) return nothing();
  v1::ServiceRetired retired;
  retired.set_business_id(c.business_id);
  retired.set_service_id(c.service_id);
  return one(std::move(retired));
}

Decided decide_feed_reset(const BusinessState& state, const ResetCalendarFeed& c) {
  if (auto r = check_owner(state, c.business_id, c.actor_user_id); !r) {
    return common::fail(r.error());
  }
  v1::CalendarFeedReset reset;
  reset.set_business_id(c.business_id);
  reset.set_generation(state.feed_generation + 1);
  return one(std::move(reset));
}

struct Decider {
  const BusinessState& state;
  Decided operator()(const CreateBusiness& c) const { return decide_create(state, c); }
  Decided operator()(const UpdateProfile& c) const { return decide_profile(state, c); }
  Decided operator()(const ChangePolicy& c) const { return decide_policy(state, c); }
  Decided operator()(const DefineService& c) const { return decide_define(state, c); }
  Decided operator()(const UpdateService& c) const { return decide_update(state, c); }
  Decided operator()(const RetireService& c) const { return decide_retire(state, c); }
  Decided operator()(const ResetCalendarFeed& c) const { return decide_feed_reset(state, c); }
};

// evolve trusts the log: events were decided against the state they follow.
// It still ignores what cannot apply (a second BusinessCreated, a service
// event for an unknown service) instead of inventing state.
struct Evolver {
  BusinessState& s;
  void operator()(const v1::BusinessCreated& e) const {
    if (s.exists()) return;
    s.business_id = e.business_id();
    s.owner_user_id = e.owner_user_id();
    s.slug = e.slug();
    s.profile = from_proto(e.profile());
    s.time_zone = e.time_zone();
    s.currency = e.currency();
    s.policy = from_proto(e.policy());
    s.created_at = to_instant(e.created_at());
  }
  void operator()(const v1::BusinessProfileUpdated& e) const {
    s.profile = from_proto(e.profile());
    s.time_zone = e.time_zone();
  }
  void operator()(const v1::BookingPolicyChanged& e) const { s.policy = from_proto(e.policy()); }
  void operator()(const v1::ServiceDefined& e) const {
    s.services.try_emplace(e.service_id(), Service{from_proto(e.definition()), true});
  }
  void operator()(const v1::ServiceUpdated& e) const {
    if (auto it = s.services.find(e.service_id()); it != s.services.end()) {
      it->second.definition = from_proto(e.definition());
    }
  }
  void operator()(const v1::ServiceRetired& e) const {
    if (auto it = s.services.find(e.service_id()); it != s.services.end()) {
      it->second.active = false;
    }
  }
  void operator()(const v1::ServiceRestored& e) const {
    if (auto it = s.services.find(e.service_id()); it != s.services.end()) {
      it->second.active = true;
    }
  }
  // Generations only grow, whatever order a damaged log replays them in.
  void operator()(const v1::CalendarFeedReset& e) const {
    s.feed_generation = std::max(s.feed_generation, e.generation());
  }
};

}  // namespace

common::Result<std::vector<BusinessEvent>, DomainError> decide(const BusinessState& state,
                                                               const BusinessCommand& command) {
  return std::visit(Decider{state}, command);
}

BusinessState evolve(BusinessState state, const BusinessEvent& event) {
  std::visit(Evolver{state}, event);
  return state;
}

const Service* find_service(const BusinessState& state, const std::string& service_id) {
  const auto it = state.services.find(service_id);
  return it == state.services.end() ? nullptr : &it->second;
}

}  // namespace slotwise::domain
