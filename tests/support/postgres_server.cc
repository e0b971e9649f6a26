#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
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

// The OS user the server runs as when we are root (PostgreSQL refuses root).
passwd postgres_user(std::array<char, 4096>& buf) {
  passwd pwd{};
  passwd* pw = nullptr;
  if (::getpwnam_r("postgres", &pwd, buf.data(), buf.size(), &pw) != 0 || pw == nullptr) {
    throw std::runtime_error("OS user 'postgres' is missing (ops/install-deps)");
  }
  return pwd;
}

void give_to_postgres(const std::string& path) {
  if (::geteuid() != 0) return;
  std::array<char, 4096> buf{};
  const passwd pw = postgres_user(buf);
  if (::chown(path.c_str(), pw.pw_uid, pw.pw_gid) != 0) {
    throw std::runtime_error("cannot chown " + path + " to the postgres user");
  }
}

// A freshly initdb'd cluster, made once per machine and user and then copied
// by every fixture: initdb costs ~2 s of CPU, a copy ~0.15 s, and the test
// suite starts well over a hundred clusters. Built in a scratch folder and
// marked ready only when complete, under an exclusive lock, so concurrent
// test processes and a crash half-way never share a broken template. It is
// a cache in the temp folder: deleting it only costs the next run an initdb.
std::string pristine_cluster() {
  const std::vector<std::string> initdb = {std::string(kBinDir) + "/initdb",
                                           "-U",
                                           "postgres",
                                           "-A",
                                           "trust",
                                           "-E",
                                           "UTF8",
                                           "--no-sync",
                                           "--locale=C"};
  // Keyed on the user and on initdb's arguments, so changing them makes a new template.
  std::string key;
  for (const auto& a : initdb) key += a + ' ';
  const std::filesystem::path root = std::filesystem::temp_directory_path() /
                                     ("slotwise-pg15-template-" + std::to_string(::geteuid()) +
                                      "-" + std::to_string(std::hash<std::string>{}(key) % 100000));
  std::string data = (root / "data").string();
  const std::filesystem::path ready = root / "ready";
  if (std::filesystem::exists(ready)) return data;
  std::filesystem::create_directories(root);
  give_to_postgres(root.string());
  const std::string lock_path = (root / "lock").string();
  const int fd = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot lock " + lock_path);
  }
  int rc = 0;
  if (!std::filesystem::exists(ready)) {
    std::filesystem::remove_all(data);
    std::vector<std::string> argv = initdb;
    argv.insert(argv.begin() + 1, {"-D", data});
    rc = run_command(as_postgres(argv), (root / "initdb.log").string());
    if (rc == 0) std::ofstream(ready) << "initdb done\n";
  }
  ::close(fd);  // releases the lock
  if (rc != 0) throw std::runtime_error("initdb failed; see " + (root / "initdb.log").string());
  return data;
}

// The last `lines` lines of the file at `path` ("" when it cannot be read).
std::string tail_of(const std::string& path, std::size_t lines = 12) {
  std::ifstream in(path);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(std::move(line));
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& line : last) out += line + "\n";
  return out;
}

}  // namespace

PostgresServerFixture::PostgresServerFixture() : dir_("slotwise-pg"), port_(free_port()) {
  const std::string data = dir_.path() + "/data";
  const std::string sock = dir_.path() + "/run";
  std::filesystem::create_directories(sock);
  give_to_postgres(dir_.path());
  give_to_postgres(sock);
  const std::string log = dir_.path() + "/postgres.log";
  const int rc = run_command(as_postgres({"cp", "-a", pristine_cluster(), data}),
                             dir_.path() + "/copy-cluster.log");
  if (rc != 0) throw std::runtime_error("cannot copy the template cluster; see " + log);
  // The port was free when free_port() looked; another test process may
  // take it before the postmaster binds it. Then the postmaster exits with
  // "Address already in use" and start-up is tried again on a new port.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    const StartOutcome outcome = start_postmaster(data, sock, log);
    if (outcome == StartOutcome::ready) return;
    if (outcome == StartOutcome::port_taken && attempt < kAttempts) {
      port_ = free_port();
      continue;
    }
    // The message carries the log itself: the temporary folder holding it
    // is removed as this exception leaves the constructor.
    throw std::runtime_error("postgres did not start on port " + std::to_string(port_) + ":\n" +
                             tail_of(log));
  }
}

PostgresServerFixture::StartOutcome PostgresServerFixture::start_postmaster(
    const std::string& data, const std::string& sock, const std::string& log) {
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
    if (!process_.running()) {
      return tail_of(log).find("Address already in use") != std::string::npos
                 ? StartOutcome::port_taken
                 : StartOutcome::failed;
    }
    if (std::chrono::steady_clock::now() >= deadline) return StartOutcome::failed;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return StartOutcome::ready;
}

PostgresServerFixture::~PostgresServerFixture() { stop(); }

void PostgresServerFixture::stop() {
  // SIGINT asks for a fast shutdown. Signal the postmaster itself: under root
  // the process is `runuser`, which turns any signal into SIGTERM (a smart
  // shutdown that waits for every client) and was then killed after the
  // 10 s timeout, leaving postgres running until it noticed its data
  // directory was gone. The postmaster's pid is the first line of its pid file.
  std::ifstream pid_file(dir_.path() + "/data/postmaster.pid");
  long postmaster = 0;
  if (pid_file >> postmaster && postmaster > 1) ::kill(static_cast<pid_t>(postmaster), SIGINT);
  process_.stop(SIGINT);  // runuser exits with its child
}

std::string PostgresServerFixture::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

}  // namespace slotwise::testing
