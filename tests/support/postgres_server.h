// PostgresServerFixture: a real PostgreSQL 15 cluster in a temporary
// directory (a copy of one initdb'd template cluster per machine, kept in the
// temp folder), started on a free loopback port, for integration tests. As
// root it runs the server as the unprivileged OS user `postgres`
// (PostgreSQL refuses to run as root).
//
// Thread safety: none. Errors: throws std::runtime_error if the cluster
// cannot be created or started (a test-boundary failure).
#pragma once

#include <string>

#include "tests/support/process.h"

namespace slotwise::testing {

class PostgresServerFixture {
 public:
  PostgresServerFixture();
  ~PostgresServerFixture();
  PostgresServerFixture(const PostgresServerFixture&) = delete;
  PostgresServerFixture& operator=(const PostgresServerFixture&) = delete;

  // libpq URL of the `postgres` database as the superuser.
  [[nodiscard]] std::string url(const std::string& database = "postgres") const;
  [[nodiscard]] int port() const { return port_; }

  // Fast shutdown (clients are disconnected), as an outage would look to
  // them; the destructor does the same. The cluster cannot be restarted.
  void stop();

 private:
  TempDir dir_;
  int port_;
  Process process_;
};

}  // namespace slotwise::testing
