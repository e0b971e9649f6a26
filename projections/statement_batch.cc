#include "projections/statement_batch.h"

namespace slotwise::projections {
namespace {

constexpr int kStatementsPerRoundTrip = 1000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void render(pqxx::work& tx, const PendingStatement& p, std::string& out) {
  const std::string& sql = *p.sql;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '$' || i + 1 >= sql.size() || !is_digit(sql[i + 1])) {
      out += sql[i];
      continue;
    }
    std::size_t n = 0;
    while (i + 1 < sql.size() && is_digit(sql[i + 1])) {
      n = n * 10 + static_cast<std::size_t>(sql[++i] - '0');
    }
    const SqlArg& a = p.args.at(n - 1);
    switch (a.kind) {
      case SqlArg::Kind::kQuoted:
        out += tx.quote(a.text);
        break;
      case SqlArg::Kind::kRaw:
        out += a.text;
        break;
      case SqlArg::Kind::kNull:
        out += "NULL";
        break;
    }
  }
  out += ";\n";
}

}  // namespace

std::string text_array(const std::vector<const std::string*>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : *values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + '}';
}

void send_statements(pqxx::work& tx, const std::vector<PendingStatement>& pending) {
  std::string sql;
  int count = 0;
  for (const PendingStatement& p : pending) {
    render(tx, p, sql);
    if (++count >= kStatementsPerRoundTrip) {
      tx.exec(sql);
      sql.clear();
      count = 0;
    }
  }
  if (!sql.empty()) tx.exec(sql);
}

}  // namespace slotwise::projections
