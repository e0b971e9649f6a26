#include "tools/notifier_command.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "notifier/notifier_admin.h"
#include "projections/pg.h"

namespace slotwise::tools {
namespace {

int exit_code_for(notifier::ReplayErrorCode code) {
  switch (code) {
    case notifier::ReplayErrorCode::kUnavailable:
      return kExitUnavailable;
    case notifier::ReplayErrorCode::kUnknownConsumer:
    case notifier::ReplayErrorCode::kBeyondCheckpoint:
      return kExitUsage;
    case notifier::ReplayErrorCode::kDatabase:
    case notifier::ReplayErrorCode::kNotInstalled:
    case notifier::ReplayErrorCode::kPlannerRunning:
      break;
  }
  return kExitFailed;
}

void print_replay(const CliContext& ctx, const NotifierOptions& o,
                  const notifier::ReplayReport& r) {
  if (ctx.json) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("consumer");
    w.String(o.consumer.c_str());
    w.Key("previous_checkpoint");
    w.Uint64(r.previous_position);
    w.Key("checkpoint");
    w.Uint64(r.position);
    w.Key("from_sequence");
    w.Uint64(r.position + 1);
    w.EndObject();
    std::cout << buf.GetString() << "\n";
    return;
  }
  std::cout << "notifier " << o.consumer << ": checkpoint " << r.previous_position << " -> "
            << r.position << "; slotwise-notifier plans the log again from sequence "
            << r.position + 1
            << " when it starts (nothing is sent twice; it sends nothing new until it has"
               " caught up)\n";
}

}  // namespace

int run_notifier_replay(const CliContext& ctx, const NotifierOptions& o) {
  auto conn = projections::guarded("connect",
                                   [&] { return std::make_unique<pqxx::connection>(ctx.pg_url); });
  if (!conn) {
    print_error("cannot reach PostgreSQL: " + conn.error().message);
    return conn.error().code == projections::ErrorCode::kUnavailable ? kExitUnavailable
                                                                     : kExitFailed;
  }
  auto replayed = notifier::replay_notifier(*conn.value(), o.consumer, o.from);
  if (!replayed) {
    print_error("notifier replay refused: " + replayed.error().message);
    return exit_code_for(replayed.error().code);
  }
  print_replay(ctx, o, replayed.value());
  return kExitOk;
}

}  // namespace slotwise::tools
