#include "events/hash_chain.h"

#include <openssl/evp.h>

#include <memory>

namespace slotwise::events {

Digest zero_digest() { return Digest{}; }

Digest chain_hash(const Digest& previous, std::string_view commit_bytes) {
  // One context per thread: allocating an EVP context per hash costs more
  // than hashing a typical commit.
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  Digest out{};
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx.get(), previous.data(), previous.size());
  EVP_DigestUpdate(ctx.get(), commit_bytes.data(), commit_bytes.size());
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  return out;
}

std::string to_hex(const Digest& d) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out(d.size() * 2, '0');
  for (std::size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kHex[d[i] >> 4U];
    out[2 * i + 1] = kHex[d[i] & 0x0fU];
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<Digest> digest_from_hex(std::string_view hex) {
  Digest d{};
  if (hex.size() != d.size() * 2) {
    return make_error(ErrorCode::kDecodeError, "hash is not 64 hex digits");
  }
  for (std::size_t i = 0; i < d.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return make_error(ErrorCode::kDecodeError, "hash is not hex");
    d[i] = static_cast<unsigned char>((hi << 4) | lo);
  }
  return d;
}

void ChainVerifier::seed(const std::string& subject, std::uint64_t sequence, const Digest& hash) {
  tails_[subject] = Tail{sequence, hash};
}

Status ChainVerifier::add(const Link& link) {
  auto broken = [&](std::string why) {
    Error e;
    e.code = ErrorCode::kChainBroken;
    e.message = std::move(why);
    e.subject = link.subject;
    e.sequence = link.sequence;
    return common::Unexpected<Error>{std::move(e)};
  };
  auto [it, inserted] = tails_.try_emplace(link.subject);
  Tail& tail = it->second;
  if (inserted) tail = Tail{0, zero_digest()};
  if (link.previous_version != tail.sequence) {
    return broken("commit says its predecessor is sequence " +
                  std::to_string(link.previous_version) + " but the previous commit seen is " +
                  std::to_string(tail.sequence) + " (missing or reordered commit)");
  }
  auto recorded = digest_from_hex(link.hash_hex);
  if (!recorded) return broken("commit carries no valid hash");
  const Digest expected = chain_hash(tail.hash, link.payload);
  if (expected != recorded.value()) {
    return broken("hash mismatch: commit bytes or an earlier link were altered");
  }
  tail = Tail{link.sequence, expected};
  ++verified_;
  return common::Unit{};
}

}  // namespace slotwise::events
