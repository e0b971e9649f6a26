#include "domain/reserved_slugs.h"

#include <algorithm>
#include <array>

namespace slotwise::domain {
namespace {

// Sorted for binary search (checked below).
constexpr std::array<std::string_view, 69> kReservedSlugs = {
    "about",     "account",  "accounts",   "admin",    "administrator", "api",       "app",
    "apps",      "assets",   "auth",       "billing",  "blog",          "book",      "booking",
    "bookings",  "business", "businesses", "calendar", "cdn",           "checkout",  "contact",
    "dashboard", "delete",   "docs",       "edit",     "email",         "healthz",   "help",
    "home",      "legal",    "login",      "logout",   "mail",          "manage",    "metrics",
    "new",       "null",     "oauth",      "password", "pay",           "payments",  "pricing",
    "privacy",   "public",   "readyz",     "register", "reset",         "root",      "search",
    "security",  "services", "settings",   "signin",   "signup",        "slotwise",  "static",
    "status",    "stripe",   "support",    "system",   "terms",         "undefined", "user",
    "users",     "v1",       "v2",         "v3",       "webhooks",      "www",
};

static_assert(std::is_sorted(kReservedSlugs.begin(), kReservedSlugs.end()));

}  // namespace

bool is_reserved_slug(std::string_view slug) {
  return std::binary_search(kReservedSlugs.begin(), kReservedSlugs.end(), slug);
}

}  // namespace slotwise::domain
