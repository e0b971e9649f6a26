// ConnectionPool: a bounded pool of libpqxx connections for the query API's
// worker threads. Connections are opened lazily (up to `size`), handed out
// one per request (a Lease) and returned when the lease ends; a lease whose
// connection broke is discarded instead, so the pool heals itself. Every
// connection is opened with default_transaction_read_only = on on top of the
// read-only role (defence in depth).
//
// Thread safety: acquire() may be called from any thread; a Lease (and its
// connection) belongs to the thread holding it.
// Fairness: waiters are served in arrival order. A returned connection is
// handed to the oldest waiter, never to a thread that arrives later, so
// under saturation (more request threads than connections) a request waits
// for the requests ahead of it, not for as long as it keeps losing races:
// with std::condition_variable alone a woken waiter often found the
// connection taken again, which made the 99th percentile ~3x the mean.
// Errors: acquire() fails with kUnavailable when no connection frees up
// within `acquire_timeout` or the server refuses a new one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "projections/pg.h"

namespace slotwise::query {

using projections::Error;
using projections::ErrorCode;
template <class T>
using Result = projections::Result<T>;

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) noexcept = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    [[nodiscard]] pqxx::connection& conn() { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  ConnectionPool(std::string url, std::size_t size, std::chrono::milliseconds acquire_timeout)
      : url_(std::move(url)), size_(size), acquire_timeout_(acquire_timeout) {}

  [[nodiscard]] Result<Lease> acquire();
  [[nodiscard]] std::size_t size() const { return size_; }
  // Threads waiting in acquire() now (for tests and metrics).
  [[nodiscard]] std::size_t waiting() const;
  // Declares a prepared statement on every connection of the pool, open or
  // opened later (libpqxx prepares it on a connection's first use), so a
  // hot query is parsed and planned once per connection, not per request.
  void prepare(const std::string& name, const std::string& sql);

 private:
  // One thread in acquire() waiting for its turn: given a connection, or
  // the right to open one (a broken connection's slot freed up).
  struct Waiter {
    std::condition_variable cv;
    std::unique_ptr<pqxx::connection> conn;
    bool may_open = false;
  };

  void give_back(std::unique_ptr<pqxx::connection> conn);
  // Opens a new connection for a slot already counted in open_.
  [[nodiscard]] Result<Lease> open_counted();
  // A slot of open_ was freed (called with mu_ held): passes it to the
  // oldest waiter, if any.
  void release_slot_locked();

  std::string url_;
  std::size_t size_;
  std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mu_;
  std::deque<Waiter*> waiters_;  // oldest first
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::vector<std::pair<std::string, std::string>> prepared_;  // name, SQL
  std::size_t open_ = 0;                                       // idle + leased
};

}  // namespace slotwise::query
