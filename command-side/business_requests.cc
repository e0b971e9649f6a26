#include "command-side/business_requests.h"

#include <array>
#include <optional>
#include <string>

namespace slotwise::command {
namespace {

using service::ApiResult;
using service::invalid_request;
using service::JsonObject;

// Any int field: bounded to int32 so no conversion can overflow; the domain
// applies the real ranges.
constexpr service::IntRange kSmallInt{-1'000'000'000, 1'000'000'000};

// Sets `out` when `name` is present.
[[nodiscard]] std::optional<service::ApiError> merge_int(const JsonObject& o, std::string_view name,
                                                         int& out) {
  auto v = o.optional_int(name, kSmallInt);
  if (!v) return v.error();
  if (*v) out = static_cast<int>(**v);
  return std::nullopt;
}

[[nodiscard]] std::optional<service::ApiError> merge_string(const JsonObject& o,
                                                            std::string_view name, std::string& out,
                                                            service::StringRule rule) {
  auto v = o.optional_string(name, rule);
  if (!v) return v.error();
  if (*v) out = std::move(**v);
  return std::nullopt;
}

constexpr std::array<std::string_view, 7> kWeekdays{"monday", "tuesday",  "wednesday", "thursday",
                                                    "friday", "saturday", "sunday"};

ApiResult<domain::DayIntervals> read_intervals(const service::JsonArray& array) {
  domain::DayIntervals out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto item = array.object_at(i);
    if (!item) return common::fail(item.error());
    if (auto r = item->reject_unknown_fields({"start", "end"}); !r) return common::fail(r.error());
    auto start = item->required_string("start", {5, 5});
    if (!start) return common::fail(start.error());
    auto end = item->required_string("end", {5, 5});
    if (!end) return common::fail(end.error());
    auto s = read_clock_time(*start, item->path() + ".start");
    if (!s) return common::fail(s.error());
    auto e = read_clock_time(*end, item->path() + ".end");
    if (!e) return common::fail(e.error());
    out.push_back({*s, *e});
  }
  return out;
}

}  // namespace

ApiResult<int> read_clock_time(std::string_view text, std::string_view field) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(text[0]) || !digit(text[1]) || !digit(text[3]) ||
      !digit(text[4])) {
    return common::fail(
        invalid_request("field '" + std::string(field) + "' must be a time \"HH:MM\""));
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) {
    return common::fail(
        invalid_request("field '" + std::string(field) + "' must be between 00:00 and 24:00"));
  }
  return h * 60 + m;
}

ApiResult<domain::BusinessProfile> read_profile(const JsonObject& body,
                                                domain::BusinessProfile base) {
  if (auto e = merge_string(body, "name", base.name, {0, 10000})) return common::fail(*e);
  if (auto e = merge_string(body, "description", base.description, {0, 10000})) {
    return common::fail(*e);
  }
  if (auto e = merge_string(body, "contact_email", base.contact_email, {0, 10000})) {
    return common::fail(*e);
  }
  if (auto e = merge_string(body, "contact_phone", base.contact_phone, {0, 10000})) {
    return common::fail(*e);
  }
  if (auto e = merge_string(body, "address", base.address, {0, 10000})) return common::fail(*e);
  return base;
}

ApiResult<domain::BusinessPolicy> read_policy(const JsonObject& body, domain::BusinessPolicy base) {
  auto policy = body.optional_object("policy");
  if (!policy) return common::fail(policy.error());
  if (!*policy) return base;
  const JsonObject& p = **policy;
  if (auto r = p.reject_unknown_fields(
          {"slot_interval_minutes", "min_notice_minutes", "horizon_days", "max_bookings_per_day",
           "hold_minutes", "free_cancellation_cutoff_minutes", "late_cancellation_refund_percent"});
      !r) {
    return common::fail(r.error());
  }
  for (auto [name, field] : std::array<std::pair<std::string_view, int*>, 7>{{
           {"slot_interval_minutes", &base.booking.slot_interval_minutes},
           {"min_notice_minutes", &base.booking.min_notice_minutes},
           {"horizon_days", &base.booking.horizon_days},
           {"max_bookings_per_day", &base.booking.max_bookings_per_day},
           {"hold_minutes", &base.hold_minutes},
           {"free_cancellation_cutoff_minutes", &base.free_cancellation_cutoff_minutes},
           {"late_cancellation_refund_percent", &base.late_cancellation_refund_percent},
       }}) {
    if (auto e = merge_int(p, name, *field)) return common::fail(*e);
  }
  return base;
}

ApiResult<domain::ServiceDefinition> read_service(const JsonObject& body,
                                                  domain::ServiceDefinition base,
                                                  std::string_view currency, bool accept_active) {
  auto known =
      accept_active
          ? body.reject_unknown_fields({"name", "description", "duration_minutes", "price_minor",
                                        "buffer_before_minutes", "buffer_after_minutes",
                                        "payment_mode", "deposit_minor", "active"})
          : body.reject_unknown_fields({"name", "description", "duration_minutes", "price_minor",
                                        "buffer_before_minutes", "buffer_after_minutes",
                                        "payment_mode", "deposit_minor"});
  if (!known) return common::fail(known.error());
  if (auto e = merge_string(body, "name", base.name, {0, 10000})) return common::fail(*e);
  if (auto e = merge_string(body, "description", base.description, {0, 10000})) {
    return common::fail(*e);
  }
  if (auto e = merge_int(body, "duration_minutes", base.timing.duration_minutes)) {
    return common::fail(*e);
  }
  if (auto e = merge_int(body, "buffer_before_minutes", base.timing.buffer_before_minutes)) {
    return common::fail(*e);
  }
  if (auto e = merge_int(body, "buffer_after_minutes", base.timing.buffer_after_minutes)) {
    return common::fail(*e);
  }
  auto price = body.optional_int("price_minor", {0, domain::kMaxPriceMinor});
  if (!price) return common::fail(price.error());
  if (*price) base.price = domain::Money{**price, std::string(currency)};
  base.price.currency = std::string(currency);

  auto mode = body.optional_string("payment_mode", {1, 16});
  if (!mode) return common::fail(mode.error());
  if (*mode) {
    if (**mode == "none") {
      base.payment_mode = domain::PaymentMode::none;
    } else if (**mode == "deposit") {
      base.payment_mode = domain::PaymentMode::deposit;
    } else if (**mode == "full") {
      base.payment_mode = domain::PaymentMode::full;
    } else {
      return common::fail(
          invalid_request(R"(field 'payment_mode' must be "none", "deposit" or "full")"));
    }
  }
  auto deposit = body.optional_int("deposit_minor", {0, domain::kMaxPriceMinor});
  if (!deposit) return common::fail(deposit.error());
  if (*deposit) base.deposit = domain::Money{**deposit, std::string(currency)};
  if (base.payment_mode != domain::PaymentMode::deposit) {
    if (*deposit) {
      return common::fail(
          invalid_request("field 'deposit_minor' is only allowed with payment_mode \"deposit\""));
    }
    base.deposit.reset();
  } else if (base.deposit) {
    base.deposit->currency = std::string(currency);
  }
  return base;
}

ApiResult<domain::WeeklySchedule> read_schedule(const JsonObject& body) {
  if (auto r = body.reject_unknown_fields({"days"}); !r) return common::fail(r.error());
  auto days = body.required_object("days");
  if (!days) return common::fail(days.error());
  if (auto r = days->reject_unknown_fields(
          {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"});
      !r) {
    return common::fail(r.error());
  }
  domain::WeeklySchedule schedule;
  for (std::size_t d = 0; d < kWeekdays.size(); ++d) {
    auto list = days->optional_array(kWeekdays[d], 48);
    if (!list) return common::fail(list.error());
    if (!*list) continue;
    auto intervals = read_intervals(**list);
    if (!intervals) return common::fail(intervals.error());
    schedule.days[d] = std::move(*intervals);
  }
  return schedule;
}

ApiResult<domain::DateOverride> read_override(const JsonObject& body) {
  if (auto r = body.reject_unknown_fields({"closed", "intervals"}); !r) {
    return common::fail(r.error());
  }
  domain::DateOverride o;
  auto closed = body.optional_bool("closed");
  if (!closed) return common::fail(closed.error());
  o.closed = closed->value_or(false);
  auto list = body.optional_array("intervals", 48);
  if (!list) return common::fail(list.error());
  if (*list) {
    auto intervals = read_intervals(**list);
    if (!intervals) return common::fail(intervals.error());
    o.intervals = std::move(*intervals);
  }
  if (!o.closed && !*list) {
    return common::fail(invalid_request(
        R"(an override is {"closed": true} or {"intervals": [...]} (empty = closed))"));
  }
  if (!o.closed && o.intervals.empty()) o.closed = true;
  return o;
}

ApiResult<std::optional<bool>> read_service_active(const JsonObject& body) {
  return body.optional_bool("active");
}

}  // namespace slotwise::command
