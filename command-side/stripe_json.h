// Lenient reading of Stripe's JSON (rapidjson): Stripe adds fields at will,
// so replies and events are read member by member, and a missing member or
// one of another type reads as empty/zero. Lookups chain through null:
//   string_at(member(member(&doc, "data"), "object"), "id").
//
// Thread safety: pure functions.
// Errors: none (absent is empty).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>

namespace slotwise::command {

// The member `name` of the object `v`; null when `v` is null, not an object
// or has no such member.
[[nodiscard]] inline const rapidjson::Value* member(const rapidjson::Value* v, const char* name) {
  if (v == nullptr || !v->IsObject()) return nullptr;
  const auto it = v->FindMember(name);
  return it == v->MemberEnd() ? nullptr : &it->value;
}

[[nodiscard]] inline std::string string_at(const rapidjson::Value* v, const char* name) {
  const rapidjson::Value* m = member(v, name);
  return m != nullptr && m->IsString() ? std::string(m->GetString(), m->GetStringLength())
                                       : std::string();
}

[[nodiscard]] inline std::int64_t int_at(const rapidjson::Value* v, const char* name) {
  const rapidjson::Value* m = member(v, name);
  return m != nullptr && m->IsInt64() ? m->GetInt64() : 0;
}

}  // namespace slotwise::command
