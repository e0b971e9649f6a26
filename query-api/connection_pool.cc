#include "query-api/connection_pool.h"

namespace slotwise::query {

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_) pool_->give_back(std::move(conn_));
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const bool got =
      cv_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; });
  if (!got) return projections::make_error(ErrorCode::kUnavailable, "connection pool exhausted");
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  const auto statements = prepared_;
  lock.unlock();
  auto opened = projections::guarded("connect", [&]() -> std::unique_ptr<pqxx::connection> {
    auto c = std::make_unique<pqxx::connection>(url_);
    {
      pqxx::nontransaction tx(*c);
      tx.exec("SET default_transaction_read_only = on");
      // Every read is a prepared statement whose best plan does not depend
      // on its parameters (an index range per business and window). Left to
      // choose, PostgreSQL plans custom per execution for a while and keeps
      // doing so when the generic plan's estimate looks no cheaper: the
      // planner was the largest part of a list page's server time.
      tx.exec("SET plan_cache_mode = force_generic_plan");
    }
    for (const auto& [name, sql] : statements) c->prepare(name, sql);
    return c;
  });
  if (!opened) {
    const std::lock_guard<std::mutex> relock(mu_);
    --open_;
    cv_.notify_one();
    return common::Unexpected<Error>{opened.error()};
  }
  return Lease(this, std::move(opened).value());
}

void ConnectionPool::prepare(const std::string& name, const std::string& sql) {
  const std::lock_guard<std::mutex> lock(mu_);
  prepared_.emplace_back(name, sql);
  for (auto& c : idle_) c->prepare(name, sql);
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> conn) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

}  // namespace slotwise::query
