// fold(): replays events onto a state with the aggregate's evolve(), the
// "left fold" that rebuilds an aggregate from its history (or applies a
// decision's events to the state it was decided against).
//
// Thread safety: pure function.
// Errors: none; evolve() never fails.
#pragma once

#include <utility>

namespace slotwise::domain {

// Events is any range of the aggregate's event type; evolve is found by
// argument-dependent lookup (AccountState -> account.h's evolve, ...).
template <class State, class Events>
[[nodiscard]] State fold(State state, const Events& events) {
  for (const auto& event : events) state = evolve(std::move(state), event);
  return state;
}

}  // namespace slotwise::domain
