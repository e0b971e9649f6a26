#include "query-api/connection_pool.h"

#include <algorithm>

namespace slotwise::query {

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_) pool_->give_back(std::move(conn_));
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (waiters_.empty()) {  // nobody is ahead: take what is free
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    if (open_ < size_) {
      ++open_;
      lock.unlock();
      return open_counted();
    }
  }
  Waiter me;
  waiters_.push_back(&me);
  const bool served =
      me.cv.wait_for(lock, acquire_timeout_, [&] { return me.conn != nullptr || me.may_open; });
  if (!served) {
    // Still queued (whoever serves a waiter dequeues it first).
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &me));
    return projections::make_error(ErrorCode::kUnavailable, "connection pool exhausted");
  }
  if (me.conn) return Lease(this, std::move(me.conn));
  lock.unlock();
  return open_counted();  // the slot was counted for us by release_slot_locked()
}

Result<ConnectionPool::Lease> ConnectionPool::open_counted() {
  std::vector<std::pair<std::string, std::string>> statements;
  {
    const std::lock_guard<std::mutex> lock(mu_);
    statements = prepared_;
  }
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
    const std::lock_guard<std::mutex> lock(mu_);
    release_slot_locked();
    return common::Unexpected<Error>{opened.error()};
  }
  return Lease(this, std::move(opened).value());
}

void ConnectionPool::release_slot_locked() {
  if (waiters_.empty()) {
    --open_;
    return;
  }
  Waiter* next = waiters_.front();  // the slot stays counted: it is theirs now
  waiters_.pop_front();
  next->may_open = true;
  next->cv.notify_one();
}

std::size_t ConnectionPool::waiting() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return waiters_.size();
}

void ConnectionPool::prepare(const std::string& name, const std::string& sql) {
  const std::lock_guard<std::mutex> lock(mu_);
  prepared_.emplace_back(name, sql);
  for (auto& c : idle_) c->prepare(name, sql);
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> conn) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (!conn->is_open()) {
    release_slot_locked();
    return;
  }
  if (waiters_.empty()) {
    idle_.push_back(std::move(conn));
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->conn = std::move(conn);
  next->cv.notify_one();
}

}  // namespace slotwise::query
