// Actor: who issues a command, as common.proto's Actor. The domain trusts the
// kind and id (the command side derives them from a verified JWT, a manage
// token or its own identity) and decides what that actor may do.
//
// Thread safety: plain value.
// Errors: none.
#pragma once

#include <string>
#include <string_view>

namespace slotwise::domain {

enum class ActorKind {
  // A signed-in business owner; id is their usr_… id.
  owner,
  // A customer holding a booking's manage token; id is the booking id.
  customer,
  // A SlotWise component (hold expiry sweeper, payment saga); id names it.
  system,
  payment_provider,
  admin,
};

struct Actor {
  ActorKind kind = ActorKind::system;
  std::string id;

  friend bool operator==(const Actor&, const Actor&) = default;
};

// Whether `actor` is the owner `owner_user_id` (an empty owner matches no one,
// so a missing owner can never be impersonated by an empty id).
[[nodiscard]] inline bool is_owner(const Actor& actor, std::string_view owner_user_id) {
  return actor.kind == ActorKind::owner && !owner_user_id.empty() && actor.id == owner_user_id;
}

}  // namespace slotwise::domain
