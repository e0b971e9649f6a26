#include "auth/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace slotwise::auth {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "[2001:db8::1]" and "2001:db8::1" alike.
std::string_view unbracket(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

bool trusted(std::string_view address, const std::vector<std::string>& proxies) {
  return std::find(proxies.begin(), proxies.end(), unbracket(address)) != proxies.end();
}

std::string bucket_of(std::string_view address) {
  std::string text(unbracket(trim(address)));
  std::array<unsigned char, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return text;  // IPv4 or not an address
  static constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (std::equal(kMapped.begin(), kMapped.end(), v6.begin())) {
    if (inet_ntop(AF_INET, v6.data() + 12, out.data(), out.size()) == nullptr) return text;
    return out.data();
  }
  std::fill(v6.begin() + 8, v6.end(), 0);
  if (inet_ntop(AF_INET6, v6.data(), out.data(), out.size()) == nullptr) return text;
  return std::string(out.data()) + "/64";
}

}  // namespace

std::string rate_limit_client(std::string_view peer, std::string_view forwarded_for,
                              const std::vector<std::string>& trusted_proxies) {
  std::string_view client = trim(peer);
  if (trusted(client, trusted_proxies)) {
    // Right to left: the first hop no trusted proxy wrote.
    std::string_view rest = forwarded_for;
    while (!rest.empty()) {
      const std::size_t comma = rest.rfind(',');
      const std::string_view hop =
          trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
      if (hop.empty()) continue;
      client = hop;
      if (!trusted(hop, trusted_proxies)) break;
    }
  }
  return bucket_of(client);
}

}  // namespace slotwise::auth
