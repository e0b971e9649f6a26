// The real slotwise-command, -projector and -notifier binaries started while
// NATS does not answer: each says "waiting for NATS" in a JSON log line,
// serves /healthz (200) and /readyz (503), and exits 0 on SIGTERM. The
// command side answers commands 503 until NATS is up, then becomes ready by
// itself.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "tests/support/eventually.h"
#include "tests/support/nats_server.h"
#include "tests/support/process.h"

namespace slotwise::testing {
namespace {

// Whether the log has a JSON line whose msg is `msg`.
bool logged(const std::string& log_path, const std::string& msg) {
  std::ifstream in(log_path);
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("msg") &&
        msg == doc["msg"].GetString()) {
      return true;
    }
  }
  return false;
}

int status_of(httplib::Client& http, const std::string& path) {
  auto res = http.Get(path);
  return res ? res->status : 0;
}

struct Started {
  std::string log;
  int port = 0;
  Process process;
};

// Starts `binary` with `conf` written to a file; its HTTP port is free_port().
Started start(const TempDir& dir, const std::string& name, std::vector<std::string> argv,
              const std::string& conf_text) {
  Started s;
  s.port = free_port();
  const std::string conf = dir.path() + "/" + name + ".conf";
  std::ofstream(conf) << conf_text << "http_port = " << s.port << "\n";
  argv.push_back(conf);
  s.log = dir.path() + "/" + name + ".log";
  s.process = Process(argv, s.log);
  return s;
}

// Up without NATS: the log line, /healthz 200, /readyz 503.
void check_waiting(Started& s) {
  REQUIRE(wait_for_port(s.port, std::chrono::seconds(20)));
  httplib::Client http("127.0.0.1", s.port);
  CHECK(status_of(http, "/healthz") == 200);
  CHECK(status_of(http, "/readyz") == 503);
  CHECK(eventually([&] { return logged(s.log, "waiting for NATS"); }, std::chrono::seconds(5)));
}

// SIGTERM ends it with status 0 (a process that ignored it would be killed
// with SIGKILL after the bound).
void check_sigterm_exit(Started& s) {
  const int status = s.process.stop(SIGTERM, std::chrono::seconds(20));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace

TEST_CASE("slotwise-command without NATS serves health, refuses commands, then starts with NATS") {
  NatsServerFixture nats;
  nats.stop();  // the port stays reserved for the fixture's restart
  TempDir dir("slotwise-nats-unreachable");
  std::ofstream(dir.path() + "/jwt.key") << "test-secret-of-at-least-thirty-two-bytes-0123456789\n";
  Started s = start(dir, "command", {SLOTWISE_COMMAND_BIN, "--config"},
                    "nats_url = " + nats.url() + "\njwt_secret_file = " + dir.path() +
                        "/jwt.key\nargon2_memory_kib = 64\nargon2_time_cost = 1\n");
  check_waiting(s);
  httplib::Client http("127.0.0.1", s.port);
  const std::string signup =
      R"({"email":"late@example.com","password":"correct horse","name":"Owner"})";
  auto refused = http.Post("/v1/auth/signup", signup, "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->get_header_value("Retry-After") == "1");

  nats.start();
  CHECK(eventually([&] { return status_of(http, "/readyz") == 200; }, std::chrono::seconds(30)));
  auto accepted = http.Post("/v1/auth/signup", signup, "application/json");
  REQUIRE(accepted);
  CHECK(accepted->status == 201);
  check_sigterm_exit(s);
}

TEST_CASE(
    "slotwise-projector and slotwise-notifier without NATS serve health and stop on SIGTERM") {
  NatsServerFixture nats;
  nats.stop();
  const int dead_pg = free_port();
  const std::string conf = "nats_url = " + nats.url() +
                           "\npg_url = postgresql://slotwise@127.0.0.1:" + std::to_string(dead_pg) +
                           "/slotwise\n";
  TempDir dir("slotwise-nats-unreachable");
  struct Binary {
    std::string name;
    std::string path;
  };
  for (const Binary& b :
       {Binary{"projector", SLOTWISE_PROJECTOR_BIN}, Binary{"notifier", SLOTWISE_NOTIFIER_BIN}}) {
    CAPTURE(b.name);
    Started s = start(dir, b.name, {b.path}, conf);
    check_waiting(s);
    check_sigterm_exit(s);
  }
}

}  // namespace slotwise::testing
