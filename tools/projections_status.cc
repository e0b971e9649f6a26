// `slotwise projections status [NAME]`: checkpoint, stream head, lag, last
// applied commit time, dead letters, rebuild and projector state per
// projection; a table on a terminal, JSON with --json.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include "events/commit_codec.h"
#include "projections/projection_admin.h"
#include "tools/projections_command.h"

namespace slotwise::tools {
namespace {

std::string time_or_dash(std::int64_t ns) { return ns == 0 ? "-" : events::format_time_ns(ns); }

std::uint64_t lag_of(const projections::ProjectionStatus& s, std::uint64_t head) {
  return head > s.checkpoint ? head - s.checkpoint : 0;
}

void print_json(const CliContext& ctx, std::uint64_t head,
                const std::vector<projections::ProjectionStatus>& all) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("stream");
  w.String(ctx.stream.c_str());
  w.Key("stream_last_sequence");
  w.Uint64(head);
  w.Key("projections");
  w.StartArray();
  for (const auto& s : all) {
    w.StartObject();
    w.Key("name");
    w.String(s.name.c_str());
    w.Key("checkpoint");
    w.Uint64(s.checkpoint);
    w.Key("stream_last_sequence");
    w.Uint64(head);
    w.Key("lag");
    w.Uint64(lag_of(s, head));
    w.Key("last_applied_time");
    if (s.checkpoint_time_ns == 0) {
      w.Null();
    } else {
      w.String(events::format_time_ns(s.checkpoint_time_ns).c_str());
    }
    w.Key("applied_commits");
    w.Uint64(s.applied_commits);
    w.Key("unknown_events");
    w.Uint64(s.unknown_events);
    w.Key("dead_letters");
    w.Uint64(s.dead_letters);
    w.Key("rebuild_in_progress");
    w.Bool(s.rebuild_in_progress);
    w.Key("projector_running");
    w.Bool(s.projector_pid.has_value());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << buf.GetString() << "\n";
}

void print_table(std::uint64_t head, const std::vector<projections::ProjectionStatus>& all) {
  std::printf("%-12s %12s %12s %10s  %-28s %12s  %-8s %s\n", "projection", "checkpoint",
              "stream last", "lag", "last applied commit", "dead letters", "rebuild", "projector");
  for (const auto& s : all) {
    const std::string projector =
        s.projector_pid ? "running (pid " + std::to_string(*s.projector_pid) + ")" : "not running";
    std::printf(
        "%-12s %12llu %12llu %10llu  %-28s %12llu  %-8s %s\n", s.name.c_str(),
        static_cast<unsigned long long>(s.checkpoint), static_cast<unsigned long long>(head),
        static_cast<unsigned long long>(lag_of(s, head)),
        time_or_dash(s.checkpoint_time_ns).c_str(), static_cast<unsigned long long>(s.dead_letters),
        s.rebuild_in_progress ? "running" : "-", projector.c_str());
  }
}

}  // namespace

int run_projections_status(const CliContext& ctx, const std::string& name) {
  std::vector<const projections::ProjectionInfo*> wanted;
  for (const auto& p : projections::projection_catalog()) {
    if (name.empty() || p.name == name) wanted.push_back(&p);
  }
  if (wanted.empty()) {
    print_error(unknown_projection_message(name));
    return kExitUsage;
  }
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  auto state = store->state();
  if (!state) {
    print_error("cannot read stream " + ctx.stream + ": " + state.error().describe());
    return exit_code_for(state.error());
  }
  auto conn = projections::guarded("connect",
                                   [&] { return std::make_unique<pqxx::connection>(ctx.pg_url); });
  if (!conn) {
    print_error("cannot reach PostgreSQL: " + conn.error().message);
    return exit_code_for(conn.error());
  }
  std::vector<projections::ProjectionStatus> all;
  for (const auto* p : wanted) {
    auto s = projections::read_status(*conn.value(), *p);
    if (!s) {
      print_error(s.error().message);
      return exit_code_for(s.error());
    }
    all.push_back(std::move(s).value());
  }
  if (ctx.json) {
    print_json(ctx, state.value().last_sequence, all);
  } else {
    print_table(state.value().last_sequence, all);
  }
  return kExitOk;
}

}  // namespace slotwise::tools
