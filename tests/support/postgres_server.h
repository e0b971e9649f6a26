// PostgresServerFixture: a real PostgreSQL 15 cluster in a temporary
// directory (a copy of one initdb'd template cluster per machine, kept in the
// temp folder), started on a free loopback port (another one, up to three
// tries, when a parallel test took it first), for integration tests. As
// root it runs the server as the unprivileged OS user `postgres`
// (PostgreSQL refuses to run as root).
//
// Thread safety: none. Errors: throws std::runtime_error if the cluster
// cannot be created or started (a test-boundary failure); a start-up
// failure's message holds the end of the server's log, whose folder is
// removed with the fixture.
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
  enum class StartOutcome { ready, port_taken, failed };
  // Starts the postmaster on port_ and waits until it accepts queries.
  StartOutcome start_postmaster(const std::string& data, const std::string& sock,
                                const std::string& log);

  TempDir dir_;
  int port_;
  Process process_;
};

}  // namespace slotwise::testing
