// Result<T, E>: the value of an operation that can fail in an expected way.
//
// SlotWise's error policy (docs/adr/0003-error-handling.md): expected failures
// (conflicts, bad input, an unreachable server) are values of this type;
// exceptions are only thrown and caught at process boundaries. g++ 12 has no
// std::expected, so this is a deliberately small stand-in with the same shape.
//
// Thread safety: a Result is a plain value; distinct objects may be used from
// different threads, one object needs external synchronisation.
// Errors: value()/error() on the wrong alternative is a programming error and
// aborts via assert in debug builds (undefined in release, like std::expected).
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace slotwise::common {

// Tag wrapper so Result<T, E> can be built from an error even when T and E
// are the same type (e.g. Result<std::string, std::string>).
template <class E>
struct Unexpected {
  E error;
};

template <class E>
[[nodiscard]] Unexpected<std::decay_t<E>> fail(E&& e) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(e)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): implicit success like std::expected.
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor): implicit failure like std::expected.
  Result(Unexpected<E> e) : v_(std::in_place_index<1>, std::move(e.error)) {}

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  [[nodiscard]] T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  [[nodiscard]] const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  [[nodiscard]] T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  [[nodiscard]] const E& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  [[nodiscard]] E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

// Result of an operation that yields nothing on success.
struct Unit {};

}  // namespace slotwise::common
