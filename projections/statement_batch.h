// StatementBatch: records statements whose results nobody reads, so they can
// be translated from events away from the database (a prefetching thread)
// and later sent many per round trip (send_statements(): the simple-query
// protocol runs a string of statements in order) instead of one round trip
// each. The SQL sent is that of the named statement with its $n parameters
// replaced by literals quoted on the transaction's connection.
//
// Thread safety: none; a recorder and its list belong to one thread at a time.
// Errors: exec_prepared() throws std::out_of_range for an unknown statement
// name (a programming error); send_statements() throws what libpqxx throws,
// and the caller runs inside projections::guarded().
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace slotwise::projections {

// Statement name -> SQL with $1..$n parameters.
using Statements = std::map<std::string, std::string, std::less<>>;

struct SqlArg {
  enum class Kind { kQuoted, kRaw, kNull };
  std::string text;
  Kind kind = Kind::kQuoted;
};

struct PendingStatement {
  const std::string* sql = nullptr;  // owned by the Statements map
  std::vector<SqlArg> args;
};

class StatementBatch {
 public:
  StatementBatch(std::vector<PendingStatement>& out, const Statements& statements)
      : out_(out), statements_(statements) {}

  template <class... Args>
  void exec_prepared(const char* name, const Args&... args) {
    out_.push_back(PendingStatement{&statements_.at(name), {arg(args)...}});
  }

 private:
  static SqlArg arg(const std::string& s) { return {s, SqlArg::Kind::kQuoted}; }
  static SqlArg arg(const char* s) {
    return s == nullptr ? SqlArg{{}, SqlArg::Kind::kNull} : SqlArg{s, SqlArg::Kind::kQuoted};
  }
  template <class T>
  static SqlArg arg(T v) {
    if constexpr (std::is_same_v<T, bool>) {
      return {v ? "true" : "false", SqlArg::Kind::kRaw};
    } else {
      static_assert(std::is_integral_v<T>);
      return {std::to_string(v), SqlArg::Kind::kRaw};
    }
  }

  std::vector<PendingStatement>& out_;
  const Statements& statements_;
};

// {"a","b\"c"}: a text[] literal (every element quoted), to pass as one
// parameter for `= ANY($1::text[])`.
[[nodiscard]] std::string text_array(const std::vector<const std::string*>& values);

// Sends `pending` in order, up to 1,000 statements per round trip.
void send_statements(pqxx::work& tx, const std::vector<PendingStatement>& pending);

}  // namespace slotwise::projections
