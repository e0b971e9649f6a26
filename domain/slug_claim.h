// The slug claim aggregate (subject sw.evt.slug.<slug>): one business per
// public slug. Business creation claims the slug first with expected version
// "no stream", so of two concurrent creations with one slug exactly one
// SlugClaimed is appended; the loser reloads and gets slug_taken
// (docs/adr/0002). The claim records the business id, so a crash between
// the claim and BusinessCreated is recognised and completed by the owner's
// retry.
//
// A claim whose business ended up with another slug is released
// (ReleaseSlug): two concurrent creates with one Idempotency-Key and
// different slugs both claim before either business exists, and the loser's
// claim would otherwise keep its slug from everyone for ever.
//
// Thread safety: plain values and pure functions.
// Errors: decide() returns validation_failed / slug_reserved for a slug that
// fails validate_slug(), validation_failed for an empty business id,
// slug_taken when another business holds the slug. The same business
// claiming again yields no events. ReleaseSlug yields SlugReleased only
// when the named business holds the claim, and no events otherwise (a
// release is idempotent and never takes a slug from another business).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "domain/domain_error.h"
#include "slotwise/events/v1/business.pb.h"

namespace slotwise::domain {

struct SlugClaimState {
  // The slug this aggregate is about, once anything happened to it.
  std::string slug;
  // The holder; empty when never claimed or released.
  std::string business_id;

  [[nodiscard]] bool claimed() const { return !business_id.empty(); }
  friend bool operator==(const SlugClaimState&, const SlugClaimState&) = default;
};

struct ClaimSlug {
  std::string slug;
  std::string business_id;
};

struct ReleaseSlug {
  std::string slug;
  std::string business_id;
};

using SlugClaimCommand = std::variant<ClaimSlug, ReleaseSlug>;
using SlugClaimEvent =
    std::variant<slotwise::events::v1::SlugClaimed, slotwise::events::v1::SlugReleased>;

[[nodiscard]] common::Result<std::vector<SlugClaimEvent>, DomainError> decide(
    const SlugClaimState& state, const SlugClaimCommand& command);

[[nodiscard]] SlugClaimState evolve(SlugClaimState state, const SlugClaimEvent& event);

}  // namespace slotwise::domain
