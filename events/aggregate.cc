#include "events/aggregate.h"

#include <algorithm>

namespace slotwise::events {

bool is_valid_token(std::string_view token) {
  if (token.empty() || token.size() > 256) return false;
  return std::ranges::none_of(token, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return c == '.' || c == '*' || c == '>' || u <= 0x20 || u == 0x7f;
  });
}

Status validate(const AggregateRef& ref) {
  if (!is_valid_token(ref.category)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid aggregate category '" + ref.category + "'");
  }
  if (!is_valid_token(ref.id)) {
    return make_error(ErrorCode::kInvalidArgument, "invalid aggregate id '" + ref.id + "'");
  }
  return common::Unit{};
}

std::string subject_of(std::string_view prefix, const AggregateRef& ref) {
  std::string s;
  s.reserve(prefix.size() + ref.category.size() + ref.id.size() + 2);
  s.append(prefix).append(".").append(ref.category).append(".").append(ref.id);
  return s;
}

Result<AggregateRef> aggregate_of(std::string_view prefix, std::string_view subject) {
  if (subject.size() <= prefix.size() + 1 || subject.substr(0, prefix.size()) != prefix ||
      subject[prefix.size()] != '.') {
    return make_error(ErrorCode::kInvalidArgument,
                      "subject '" + std::string(subject) + "' is outside the event log");
  }
  const std::string_view rest = subject.substr(prefix.size() + 1);
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      "subject '" + std::string(subject) + "' has no aggregate id");
  }
  AggregateRef ref{std::string(rest.substr(0, dot)), std::string(rest.substr(dot + 1))};
  if (auto ok = validate(ref); !ok) return common::Unexpected<Error>{ok.error()};
  return ref;
}

}  // namespace slotwise::events
