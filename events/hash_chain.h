// The audit hash chain. Each commit on a subject carries
//   hash = SHA-256(previous commit's hash on the same subject || commit bytes)
// with 32 zero bytes as the "previous hash" of the first commit. Altering,
// dropping or reordering any commit changes every hash after it, so a verifier
// that recomputes the chain names the first broken link.
//
// Thread safety: pure functions; ChainVerifier is a value, one per thread.
// Errors: ChainVerifier::add reports kChainBroken with subject and sequence.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "events/error.h"

namespace slotwise::events {

using Digest = std::array<unsigned char, 32>;

[[nodiscard]] Digest zero_digest();
[[nodiscard]] Digest chain_hash(const Digest& previous, std::string_view commit_bytes);
[[nodiscard]] std::string to_hex(const Digest& d);
[[nodiscard]] Result<Digest> digest_from_hex(std::string_view hex);

// Feed the commits of one or many subjects in stream order; each subject's
// chain is checked independently.
class ChainVerifier {
 public:
  struct Link {
    std::string subject;
    std::uint64_t sequence = 0;
    std::uint64_t previous_version = 0;  // as recorded in the commit
    std::string_view payload;
    std::string_view hash_hex;  // as recorded in the message header
  };

  // Checks one commit against the chain so far; on success it becomes the
  // tail of its subject's chain.
  [[nodiscard]] Status add(const Link& link);

  // Starts a subject's chain at a known tail (for verifying a suffix).
  void seed(const std::string& subject, std::uint64_t sequence, const Digest& hash);

  [[nodiscard]] std::uint64_t commits_verified() const { return verified_; }
  [[nodiscard]] std::size_t subjects() const { return tails_.size(); }

 private:
  struct Tail {
    std::uint64_t sequence = 0;
    Digest hash{};
  };
  std::unordered_map<std::string, Tail> tails_;
  std::uint64_t verified_ = 0;
};

}  // namespace slotwise::events
