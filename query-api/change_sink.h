// ChangeSink: what a ChangeListener (change_listener.h) feeds the projector's
// change notices to: an in-memory copy of read-model rows that must drop
// what a commit changed (AvailabilityCache, OwnerSessions). Calls come from
// the listener's thread in this order: connected(position) once LISTEN is
// active, apply() per notice in commit order, disconnected() when the
// connection is lost (notices sent meanwhile are lost: the sink must not be
// trusted until the next connected(), which must invalidate everything).
//
// Thread safety: implementations must be thread-safe (requests read them
// concurrently with the listener's calls).
// Errors: none.
#pragma once

#include <cstdint>

#include "projections/change_notice.h"

namespace slotwise::query {

class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  virtual void connected(std::uint64_t position) = 0;
  virtual void disconnected() = 0;
  virtual void apply(const projections::ChangeNotice& notice) = 0;

 protected:
  ChangeSink() = default;
  ChangeSink(const ChangeSink&) = default;
  ChangeSink& operator=(const ChangeSink&) = default;
  ChangeSink(ChangeSink&&) = default;
  ChangeSink& operator=(ChangeSink&&) = default;
};

}  // namespace slotwise::query
