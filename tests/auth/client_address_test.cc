// Which client the login and signup limits count a request against: the
// peer, or behind trusted proxies the right-most X-Forwarded-For hop they
// did not write; IPv6 clients by their /64, IPv4-mapped ones as IPv4.
#include "auth/client_address.h"

#include <doctest/doctest.h>

namespace slotwise::auth {

TEST_CASE("a direct client is its own address; X-Forwarded-For from it is ignored") {
  CHECK(rate_limit_client("203.0.113.7", "", {}) == "203.0.113.7");
  CHECK(rate_limit_client("203.0.113.7", "198.51.100.1", {}) == "203.0.113.7");
  CHECK(rate_limit_client("203.0.113.7", "198.51.100.1", {"10.0.0.1"}) == "203.0.113.7");
}

TEST_CASE("behind trusted proxies the client is the last hop they did not write") {
  const std::vector<std::string> proxies{"10.0.0.1", "10.0.0.2"};
  CHECK(rate_limit_client("10.0.0.1", "198.51.100.1", proxies) == "198.51.100.1");
  // The client wrote a fake first entry; two proxies appended after it.
  CHECK(rate_limit_client("10.0.0.1", "1.2.3.4, 198.51.100.9 ,10.0.0.2", proxies) ==
        "198.51.100.9");
  // Only proxies in the header (or none): the left-most proxy, else the peer.
  CHECK(rate_limit_client("10.0.0.1", "10.0.0.2", proxies) == "10.0.0.2");
  CHECK(rate_limit_client("10.0.0.1", "", proxies) == "10.0.0.1");
  CHECK(rate_limit_client("10.0.0.1", " , ", proxies) == "10.0.0.1");
}

TEST_CASE("IPv6 clients are counted by their /64, IPv4-mapped ones as IPv4") {
  CHECK(rate_limit_client("2001:db8:1:2:aaaa::1", "", {}) == "2001:db8:1:2::/64");
  CHECK(rate_limit_client("2001:db8:1:2:ffff:ffff:ffff:ffff", "", {}) == "2001:db8:1:2::/64");
  CHECK(rate_limit_client("2001:db8:1:3::1", "", {}) == "2001:db8:1:3::/64");
  CHECK(rate_limit_client("::ffff:192.0.2.5", "", {}) == "192.0.2.5");
  CHECK(rate_limit_client("::1", "", {}) == "::/64");
  CHECK(rate_limit_client("::1", "[2001:db8::5]", {"::1"}) == "2001:db8::/64");
  // Not an address (the NATS transport's "nats"): as it is.
  CHECK(rate_limit_client("nats", "", {}) == "nats");
}

}  // namespace slotwise::auth
