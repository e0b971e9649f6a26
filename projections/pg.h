// The PostgreSQL edge of the read side: projections::Error and guarded(),
// the ONE place where libpqxx exceptions become values
// (docs/adr/0003-error-handling.md, point 2). Every call into libpqxx by the
// projector and the query API runs inside guarded().
//
// Thread safety: guarded() is a pure wrapper; the connection it uses is the
// caller's (libpqxx connections are single-threaded).
// Errors: kUnavailable for a lost or refused connection (retry later),
// kDatabase for an SQL error (message carries the SQLSTATE), kInternal for
// anything else thrown.
#pragma once

#include <pqxx/pqxx>

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/result.h"

namespace slotwise::projections {

enum class ErrorCode { kUnavailable, kDatabase, kInvalidArgument, kInternal };

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <class T>
using Result = common::Result<T, Error>;
using Status = Result<common::Unit>;

[[nodiscard]] inline common::Unexpected<Error> make_error(ErrorCode code, std::string message) {
  return common::Unexpected<Error>{Error{code, std::move(message)}};
}

// Runs f() (which returns T) and converts whatever libpqxx throws.
template <class F>
[[nodiscard]] auto guarded(std::string_view what, F&& f) -> Result<std::invoke_result_t<F>> {
  try {
    return std::forward<F>(f)();
  } catch (const pqxx::broken_connection& e) {
    return make_error(ErrorCode::kUnavailable, std::string(what) + ": " + e.what());
  } catch (const pqxx::sql_error& e) {
    return make_error(ErrorCode::kDatabase,
                      std::string(what) + ": [" + e.sqlstate() + "] " + e.what());
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, std::string(what) + ": " + e.what());
  }
}

}  // namespace slotwise::projections
