#include "projections/change_notice.h"

#include <charconv>

namespace slotwise::projections {
namespace {

// PostgreSQL refuses payloads of 8,000 bytes or more; stay well below.
constexpr std::size_t kMaxPayload = 7000;
// The prefix of user ids (auth/tokens.h): an account among the ids.
constexpr std::string_view kAccountPrefix = "usr_";

std::string head(std::string_view projection, std::optional<std::uint64_t> position) {
  std::string out(projection);
  out += '|';
  if (position) out += std::to_string(*position);
  out += '|';
  return out;
}

}  // namespace

std::vector<std::string> encode_changes(std::string_view projection, std::uint64_t position,
                                        const std::set<std::string>& businesses,
                                        const std::set<std::string>& accounts) {
  std::vector<std::string> payloads;
  std::string ids;
  for (const auto* set : {&businesses, &accounts}) {
    for (const std::string& id : *set) {
      if (!ids.empty() && projection.size() + ids.size() + id.size() + 32 > kMaxPayload) {
        payloads.push_back(head(projection, std::nullopt) + ids);
        ids.clear();
      }
      if (!ids.empty()) ids += ',';
      ids += id;
    }
  }
  payloads.push_back(head(projection, position) + ids);
  return payloads;
}

std::string encode_everything_changed(std::string_view projection, std::uint64_t position) {
  return head(projection, position) + "*";
}

common::Result<ChangeNotice, std::string> decode_change_notice(std::string_view payload) {
  const std::size_t first = payload.find('|');
  const std::size_t second = first == std::string_view::npos ? first : payload.find('|', first + 1);
  if (second == std::string_view::npos || first == 0) {
    return common::fail(std::string("change notice is not <projection>|<position>|<ids>"));
  }
  ChangeNotice notice;
  notice.projection = std::string(payload.substr(0, first));
  const std::string_view position = payload.substr(first + 1, second - first - 1);
  if (!position.empty()) {
    std::uint64_t p = 0;
    const auto [end, ec] = std::from_chars(position.data(), position.data() + position.size(), p);
    if (ec != std::errc{} || end != position.data() + position.size()) {
      return common::fail(std::string("change notice position is not a number"));
    }
    notice.position = p;
  }
  std::string_view ids = payload.substr(second + 1);
  if (ids == "*") {
    notice.everything = true;
    return notice;
  }
  while (!ids.empty()) {
    const std::size_t comma = ids.find(',');
    const std::string_view id = ids.substr(0, comma);
    if (id.empty()) return common::fail(std::string("change notice has an empty business id"));
    (id.starts_with(kAccountPrefix) ? notice.accounts : notice.businesses).emplace_back(id);
    if (comma == std::string_view::npos) break;
    ids.remove_prefix(comma + 1);
    if (ids.empty()) return common::fail(std::string("change notice ends with a comma"));
  }
  return notice;
}

void notify(pqxx::transaction_base& tx, const std::vector<std::string>& payloads) {
  for (const std::string& p : payloads) {
    tx.exec_params("SELECT pg_notify($1, $2)", kChangeChannel, p);
  }
}

}  // namespace slotwise::projections
