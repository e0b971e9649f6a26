// The client a request is counted against by the login and signup rate
// limits (rate_limiter.h).
//
// Behind a reverse proxy every request comes from the proxy: when the peer
// is one of `trusted_proxies`, the client is the right-most address of
// X-Forwarded-For that is not a trusted proxy (the hop the proxies saw;
// anything left of it was written by the client and is not believed). An
// IPv6 client is counted by its /64 (what one subscriber is given, so one
// attacker cannot get a fresh bucket per address), an IPv4-mapped IPv6
// address as the IPv4 address.
//
// Thread safety: pure function.
// Errors: none; text that is not an address is used as it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slotwise::auth {

[[nodiscard]] std::string rate_limit_client(std::string_view peer, std::string_view forwarded_for,
                                            const std::vector<std::string>& trusted_proxies);

}  // namespace slotwise::auth
