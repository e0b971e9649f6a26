// LruCache: bounded size, least-recently-used eviction, refresh on access.
#include "common/lru_cache.h"

#include <doctest/doctest.h>

#include <string>

using slotwise::common::LruCache;

TEST_CASE("the least recently used entry is evicted at capacity") {
  LruCache<std::string, int> c(2);
  c.put("a", 1);
  c.put("b", 2);
  REQUIRE(c.find("a") != nullptr);  // a is now more recent than b
  c.put("c", 3);
  CHECK(c.size() == 2);
  CHECK(c.find("b") == nullptr);
  CHECK(*c.find("a") == 1);
  CHECK(*c.find("c") == 3);
}

TEST_CASE("put replaces and refreshes; erase removes; capacity 0 acts as 1") {
  LruCache<int, int> c(2);
  c.put(1, 10);
  c.put(2, 20);
  c.put(1, 11);  // refresh 1
  c.put(3, 30);  // evicts 2
  CHECK(c.find(2) == nullptr);
  CHECK(*c.find(1) == 11);
  c.erase(1);
  CHECK(c.find(1) == nullptr);
  c.erase(42);  // absent: no effect
  CHECK(c.size() == 1);
  LruCache<int, int> tiny(0);
  tiny.put(1, 1);
  tiny.put(2, 2);
  CHECK(tiny.size() == 1);
  CHECK(tiny.find(2) != nullptr);
}
