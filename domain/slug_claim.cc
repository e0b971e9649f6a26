#include "domain/slug_claim.h"

#include "domain/slug.h"

namespace slotwise::domain {

namespace v1 = slotwise::events::v1;

namespace {

// Subjects are keyed by the slug: a command for another slug is a
// command-side bug.
common::Result<common::Unit, DomainError> check_aggregate(const SlugClaimState& state,
                                                          const std::string& slug) {
  if (!state.slug.empty() && state.slug != slug) {
    return common::fail(
        make_error(error_code::invalid_state, "this claim aggregate belongs to another slug"));
  }
  return common::Unit{};
}

common::Result<std::vector<SlugClaimEvent>, DomainError> decide_claim(const SlugClaimState& state,
                                                                      const ClaimSlug& claim) {
  if (auto valid = validate_slug(claim.slug); !valid) return common::fail(valid.error());
  if (claim.business_id.empty()) {
    return common::fail(make_error(error_code::validation_failed, "business_id: is required"));
  }
  if (auto same = check_aggregate(state, claim.slug); !same) return common::fail(same.error());
  if (state.claimed()) {
    if (state.business_id == claim.business_id) return std::vector<SlugClaimEvent>{};
    return common::fail(make_error(error_code::slug_taken,
                                   "the slug '" + claim.slug + "' is taken by another business"));
  }
  v1::SlugClaimed claimed;
  claimed.set_slug(claim.slug);
  claimed.set_business_id(claim.business_id);
  return std::vector<SlugClaimEvent>{std::move(claimed)};
}

common::Result<std::vector<SlugClaimEvent>, DomainError> decide_release(
    const SlugClaimState& state, const ReleaseSlug& release) {
  if (release.business_id.empty()) {
    return common::fail(make_error(error_code::validation_failed, "business_id: is required"));
  }
  if (auto same = check_aggregate(state, release.slug); !same) return common::fail(same.error());
  if (state.business_id != release.business_id) return std::vector<SlugClaimEvent>{};
  v1::SlugReleased released;
  released.set_slug(release.slug);
  released.set_business_id(release.business_id);
  return std::vector<SlugClaimEvent>{std::move(released)};
}

}  // namespace

common::Result<std::vector<SlugClaimEvent>, DomainError> decide(const SlugClaimState& state,
                                                                const SlugClaimCommand& command) {
  if (const auto* release = std::get_if<ReleaseSlug>(&command)) {
    return decide_release(state, *release);
  }
  return decide_claim(state, std::get<ClaimSlug>(command));
}

SlugClaimState evolve(SlugClaimState state, const SlugClaimEvent& event) {
  if (const auto* claimed = std::get_if<v1::SlugClaimed>(&event)) {
    if (!state.claimed()) {
      state.slug = claimed->slug();
      state.business_id = claimed->business_id();
    }
  } else if (const auto* released = std::get_if<v1::SlugReleased>(&event)) {
    // Only the holder can release; a stale release changes nothing.
    if (state.business_id == released->business_id()) state.business_id.clear();
  }
  return state;
}

}  // namespace slotwise::domain
