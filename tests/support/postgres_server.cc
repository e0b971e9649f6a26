#include "tests/support/postgres_server.h"

#include <pwd.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace slotwise::testing {

namespace {

const char* const kBinDir = "/usr/lib/postgresql/15/bin";

// Prefix that runs a command as the `postgres` OS user when we are root.
std::vector<std::string> as_postgres(std::vector<std::string> argv) {
  if (::geteuid() != 0) return argv;
  std::vector<std::string> out = {"runuser", "-u", "postgres", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace

PostgresServerFixture::PostgresServerFixture() : dir_("slotwise-pg"), port_(free_port()) {
  const std::string data = dir_.path() + "/data";
  const std::string sock = dir_.path() + "/run";
  std::filesystem::create_directories(sock);
  if (::geteuid() == 0) {
    passwd pwd{};
    passwd* pw = nullptr;
    std::array<char, 4096> buf{};
    if (::getpwnam_r("postgres", &pwd, buf.data(), buf.size(), &pw) != 0 || pw == nullptr) {
      throw std::runtime_error("OS user 'postgres' is missing (ops/install-deps)");
    }
    if (::chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0 ||
        ::chown(sock.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("cannot chown the PostgreSQL test directory");
    }
  }
  const std::string log = dir_.path() + "/postgres.log";
  const int rc =
      run_command(as_postgres({std::string(kBinDir) + "/initdb", "-D", data, "-U", "postgres", "-A",
                               "trust", "-E", "UTF8", "--no-sync", "--locale=C"}),
                  dir_.path() + "/initdb.log");
  if (rc != 0) throw std::runtime_error("initdb failed; see " + dir_.path() + "/initdb.log");
  process_ =
      Process(as_postgres({std::string(kBinDir) + "/postgres", "-D", data, "-p",
                           std::to_string(port_), "-k", sock, "-c", "listen_addresses=127.0.0.1",
                           "-c", "fsync=off", "-c", "max_connections=200"}),
              log);
  // An open port is not enough: during start-up PostgreSQL accepts TCP and
  // then refuses with "the database system is starting up".
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (run_command({std::string(kBinDir) + "/pg_isready", "-q", "-h", "127.0.0.1", "-p",
                      std::to_string(port_), "-d", "postgres", "-U", "postgres"},
                     dir_.path() + "/pg_isready.log") != 0) {
    if (std::chrono::steady_clock::now() >= deadline || !process_.running()) {
      throw std::runtime_error("postgres did not start; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

PostgresServerFixture::~PostgresServerFixture() { process_.stop(SIGINT); }  // fast shutdown

std::string PostgresServerFixture::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

}  // namespace slotwise::testing
