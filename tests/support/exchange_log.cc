#include "tests/support/exchange_log.h"

#include <iterator>
#include <utility>

#include "tests/support/process.h"

namespace slotwise::testing {

ExchangeLog::ExchangeLog(std::string dir)
    : dir_(std::move(dir)), out_(dir_ + "/exchanges.ndjson") {}

void ExchangeLog::record(const std::string& method, const std::string& pattern, int status,
                         const std::string& body, const std::string& request, bool spec_refuses) {
  out_ << R"({"method":")" << method << R"(","path":")" << pattern << R"(","status":)" << status
       << R"(,"body":)" << (body.empty() ? "null" : body);
  if (!request.empty()) out_ << R"(,"request":)" << request;
  if (spec_refuses) out_ << R"(,"spec_refuses":true)";
  out_ << "}\n";
  ++count_;
}

ExchangeLog::Report ExchangeLog::check() {
  out_.close();
  Report r;
  r.exit_status =
      run_command({"node", SLOTWISE_SOURCE_DIR "/tests/contract/check-responses.mjs",
                   SLOTWISE_SOURCE_DIR "/schemas/openapi.yaml", dir_ + "/exchanges.ndjson"},
                  dir_ + "/check.log");
  std::ifstream log(dir_ + "/check.log");
  r.text.assign(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
  return r;
}

}  // namespace slotwise::testing
