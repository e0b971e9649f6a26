#include "notifier/links.h"

#include "auth/derived_ids.h"

namespace slotwise::notifier {

Links links_for(const LinkOptions& options, const std::string& booking_id,
                const std::string& slug) {
  Links l;
  const std::string& base = options.public_base_url;
  if (base.empty()) return l;
  if (auto token = auth::derive_manage_token(options.manage_key, booking_id)) {
    l.manage = base + "/manage/" + booking_id + "#token=" + token->token;
  }
  l.dashboard = base + "/dashboard/bookings/" + booking_id;
  if (!slug.empty()) l.book_again = base + "/" + slug;
  return l;
}

}  // namespace slotwise::notifier
