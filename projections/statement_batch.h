// StatementBatch: statements whose results nobody reads, buffered and sent
// many per round trip (the simple-query protocol runs a string of
// statements in order), instead of one round trip each. The SQL is that of
// the named prepared statement with its $n parameters replaced by quoted
// literals (pqxx quoting on the transaction's connection).
//
// Thread safety: none; belongs to one transaction.
// Errors: send() (and exec_prepared() when the buffer fills) throws what
// libpqxx throws; the caller runs inside projections::guarded().
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

// Statements without results, sent many per round trip (simple-query
// protocol, one string): the prepared statements' SQL with the arguments
// substituted as quoted literals.
class StatementBatch {
 public:
  StatementBatch(pqxx::work& tx, const Statements& statements) : tx_(tx), statements_(statements) {}

  template <class... Args>
  void exec_prepared(const char* name, const Args&... args) {
    const std::vector<std::string> values{literal(args)...};
    const std::string& sql = statements_.at(name);
    for (std::size_t i = 0; i < sql.size(); ++i) {
      if (sql[i] != '$' || i + 1 >= sql.size() || !is_digit(sql[i + 1])) {
        pending_ += sql[i];
        continue;
      }
      std::size_t n = 0;
      while (i + 1 < sql.size() && is_digit(sql[i + 1])) {
        n = n * 10 + static_cast<std::size_t>(sql[++i] - '0');
      }
      pending_ += values.at(n - 1);
    }
    pending_ += ";\n";
    if (++count_ >= kStatementsPerRoundTrip) send();
  }
  void send() {
    if (pending_.empty()) return;
    tx_.exec(pending_);
    pending_.clear();
    count_ = 0;
  }
  [[nodiscard]] pqxx::work& tx() { return tx_; }

 private:
  static constexpr int kStatementsPerRoundTrip = 1000;

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  std::string literal(const std::string& s) const { return tx_.quote(s); }
  std::string literal(const char* s) const {
    return s == nullptr ? std::string("NULL") : tx_.quote(std::string(s));
  }
  template <class T>
  std::string literal(T v) const {
    if constexpr (std::is_same_v<T, bool>) {
      return v ? "true" : "false";
    } else {
      static_assert(std::is_integral_v<T>);
      return std::to_string(v);
    }
  }

  pqxx::work& tx_;
  const Statements& statements_;
  std::string pending_;
  int count_ = 0;
};

}  // namespace slotwise::projections
