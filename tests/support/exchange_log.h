// ExchangeLog: records HTTP exchanges (method, route pattern, status, JSON
// body, optionally the JSON request body) as NDJSON and validates them
// against schemas/openapi.yaml with tests/contract/check-responses.mjs (Ajv,
// JSON Schema 2020-12). Used by the OpenAPI conformance tests of the command
// side and the query API, so both check their responses the same way.
//
// Thread safety: none; one test thread records.
// Errors: check() returns the checker's exit status (0 all conform, 1 some
// exchange does not, 2 usage/I-O error) and its report.
#pragma once

#include <fstream>
#include <string>

namespace slotwise::testing {

class ExchangeLog {
 public:
  // Writes to `dir`/exchanges.ndjson; the checker's report goes next to it.
  explicit ExchangeLog(std::string dir);

  // `pattern` is the path exactly as under `paths:` in the spec; `body` is
  // the raw response body (empty for none). `request`, when not empty, is
  // the JSON request body, checked against the operation's request schema:
  // one the server accepted (2xx) must conform to it; one marked
  // `spec_refuses` (the server refused it for a limit the spec should
  // state) must not.
  void record(const std::string& method, const std::string& pattern, int status,
              const std::string& body, const std::string& request = "", bool spec_refuses = false);
  [[nodiscard]] int count() const { return count_; }

  struct Report {
    int exit_status = -1;
    std::string text;
  };
  // Closes the log and runs the checker over it.
  [[nodiscard]] Report check();

 private:
  std::string dir_;
  std::ofstream out_;
  int count_ = 0;
};

}  // namespace slotwise::testing
