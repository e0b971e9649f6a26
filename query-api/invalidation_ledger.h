// InvalidationLedger: the part of a ChangeSink (change_sink.h) that tells
// which remembered read-model rows the projector's change notices made
// stale, shared by the AvailabilityCache (its keys: business ids) and
// OwnerSessions (its keys: user ids). It holds no rows; its owner keeps
// them, each with the read token of its read, and asks valid().
//
//  * Every invalidation takes the next number of a counter: one per key a
//    notice names (`keys`, the notice's list of this owner's ids), or one
//    "everything" number for a notice that says so, for connected() and
//    disconnected() (notices sent while disconnected are lost), and when
//    the per-key numbers outgrow 4 x capacity (they are then folded into
//    it, so memory stays bounded).
//  * read_token() is the counter's value. A row read after it is valid
//    while no invalidation of its key and no "everything" invalidation has
//    a larger number: a notice is delivered only after its commit, so a
//    read whose snapshot missed a commit has a smaller token.
//  * usable(min_position) is true only while connected and, if asked, once
//    the last position applied reaches min_position. The position is set
//    by connected() and by every notice that carries one, as it comes (in
//    commit order; it is not compared with the previous one).
//  * Notices of another projection are ignored.
//
// Thread safety: mutex() guards the per-key numbers, the "everything"
// number and the invalidation count; the owner holds the same mutex for
// its own maps, so checking a row and keeping or dropping it is one step
// with respect to the listener's calls. connected(), disconnected() and
// apply() take it; valid(), may_keep() and invalidations() must be called
// with it held. read_token(), usable(), is_connected() and position() read
// atomics without it; apply() moves the position only after its
// invalidations, so a reader that sees a position sees them too.
// Errors: none.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "projections/change_notice.h"

namespace slotwise::query {

class InvalidationLedger {
 public:
  // Which of a notice's lists names the owner's keys.
  using Keys = std::vector<std::string> projections::ChangeNotice::*;

  // `capacity`: the owner's; 0 is treated as 1.
  InvalidationLedger(std::string projection, std::size_t capacity, Keys keys);

  [[nodiscard]] std::mutex& mutex() const { return mu_; }

  [[nodiscard]] bool usable(std::optional<std::uint64_t> min_position) const;
  [[nodiscard]] std::uint64_t read_token() const { return counter_.load(); }
  [[nodiscard]] bool is_connected() const { return connected_.load(); }
  // Of the last notice applied (or of connected()); none while disconnected.
  [[nodiscard]] std::optional<std::uint64_t> position() const;

  // A row of `key` read after read_token() returned `token` is still exact.
  [[nodiscard]] bool valid(const std::string& key, std::uint64_t token) const;  // mutex() held
  // It may be kept: valid and connected (while disconnected nothing is).
  [[nodiscard]] bool may_keep(const std::string& key, std::uint64_t token) const;  // mutex() held
  // How many invalidations there were, "everything" ones counted once.
  [[nodiscard]] std::uint64_t invalidations() const { return invalidations_; }  // mutex() held

  // The listener's side (change_sink.h); each takes mutex().
  void connected(std::uint64_t position);
  void disconnected();
  void apply(const projections::ChangeNotice& notice);

 private:
  void invalidate_everything();  // mu_ held

  const std::string projection_;
  const std::size_t capacity_;
  const Keys keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::uint64_t> invalidated_;  // key -> number
  std::uint64_t everything_ = 0;  // number of the last "everything" invalidation
  std::uint64_t invalidations_ = 0;
  std::atomic<std::uint64_t> counter_{1};
  std::atomic<bool> connected_{false};
  std::atomic<bool> has_position_{false};
  std::atomic<std::uint64_t> position_{0};
};

}  // namespace slotwise::query
