#include "tools/projections_command.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "projections/projection_admin.h"
#include "projections/rebuild_runner.h"
#include "tools/progress.h"

namespace slotwise::tools {
namespace {

const projections::ProjectionInfo* lookup(const std::string& name) {
  const auto* p = projections::find_projection(name);
  if (p == nullptr) print_error(unknown_projection_message(name));
  return p;
}

void print_rebuild(const CliContext& ctx, const std::string& name,
                   const projections::RebuildReport& r) {
  const double secs = r.replay_seconds > 0 ? r.replay_seconds : 1e-9;
  const double commit_rate = static_cast<double>(r.commits) / secs;
  const double event_rate = static_cast<double>(r.events) / secs;
  if (ctx.json) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("projection");
    w.String(name.c_str());
    w.Key("commits");
    w.Uint64(r.commits);
    w.Key("events");
    w.Uint64(r.events);
    w.Key("seconds");
    w.Double(r.replay_seconds);
    w.Key("commits_per_second");
    w.Double(commit_rate);
    w.Key("events_per_second");
    w.Double(event_rate);
    w.Key("position");
    w.Uint64(r.swap.position);
    w.Key("live_position");
    w.Uint64(r.swap.live_position);
    w.Key("swap_attempts");
    w.Int(r.swap.attempts);
    w.Key("swap_ms");
    w.Double(r.swap.swap_ms);
    w.EndObject();
    std::cout << buf.GetString() << "\n";
    return;
  }
  std::printf(
      "rebuilt %s: %llu commits (%llu events) in %.1f s, %.0f commits/s, %.0f events/s\n"
      "swapped in at sequence %llu (live projector was at %llu), tables locked %.1f ms, "
      "%d attempt(s)\n",
      name.c_str(), static_cast<unsigned long long>(r.commits),
      static_cast<unsigned long long>(r.events), r.replay_seconds, commit_rate, event_rate,
      static_cast<unsigned long long>(r.swap.position),
      static_cast<unsigned long long>(r.swap.live_position), r.swap.swap_ms, r.swap.attempts);
}

// `projections reset NAME` as issue 6 writes it: at a terminal the admin
// confirms by typing the name; a script (no terminal) must say --yes.
bool confirmed_at_terminal(const std::string& name) {
  if (isatty(STDIN_FILENO) == 0 || isatty(STDERR_FILENO) == 0) return false;
  std::cerr << "reset deletes every row of projection '" << name
            << "'; the query API serves empty data until the projector has caught up.\n"
               "Type the projection's name to confirm: "
            << std::flush;
  std::string answer;
  return static_cast<bool>(std::getline(std::cin, answer)) && answer == name;
}

}  // namespace

int run_projections_rebuild(const CliContext& ctx, const ProjectionsOptions& o) {
  const auto* projection = lookup(o.name);
  if (projection == nullptr) return kExitUsage;
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  projections::RebuildOptions ro;
  ro.batch = o.batch;
  ro.swap.lock_timeout = std::chrono::milliseconds(o.lock_timeout_ms);
  Progress progress("rebuild " + o.name, 0);
  auto report = projections::rebuild_projection(*store, ctx.pg_url, *projection, ro,
                                                [&](const projections::RebuildProgress& p) {
                                                  progress.set_total(p.head);
                                                  progress.update(p.commits, p.position);
                                                });
  if (!report) {
    print_error("rebuild of " + o.name +
                " failed (live tables untouched): " + report.error().message);
    return exit_code_for(report.error());
  }
  progress.finish(report.value().commits);
  print_rebuild(ctx, o.name, report.value());
  return kExitOk;
}

int run_projections_reset(const CliContext& ctx, const ProjectionsOptions& o) {
  const auto* projection = lookup(o.name);
  if (projection == nullptr) return kExitUsage;
  if (!o.yes && !confirmed_at_terminal(o.name)) {
    print_error("reset deletes every row of projection '" + o.name +
                "' (the query API serves empty data until the projector has caught up);"
                " add --yes to confirm");
    return kExitUsage;
  }
  auto conn = projections::guarded("connect",
                                   [&] { return std::make_unique<pqxx::connection>(ctx.pg_url); });
  if (!conn) {
    print_error("cannot reach PostgreSQL: " + conn.error().message);
    return exit_code_for(conn.error());
  }
  if (auto r = projections::reset_projection(*conn.value(), *projection, std::chrono::seconds(10));
      !r) {
    print_error("reset of " + o.name + " failed: " + r.error().message);
    return exit_code_for(r.error());
  }
  if (ctx.json) {
    std::cout << R"({"projection":")" << o.name << R"(","reset":true,"checkpoint":0})"
              << "\n";
  } else {
    std::cout << "reset " << o.name
              << ": rows and checkpoint dropped; the projector replays the log from the start"
                 " (the query API serves empty data until it has caught up)\n";
  }
  return kExitOk;
}

std::string unknown_projection_message(const std::string& name) {
  std::string known;
  for (const auto& p : projections::projection_catalog()) {
    known += (known.empty() ? "" : ", ") + p.name;
  }
  return "unknown projection '" + name + "' (known: " + known + ")";
}

int exit_code_for(const projections::Error& e) {
  return e.code == projections::ErrorCode::kUnavailable ? kExitUnavailable : kExitFailed;
}

}  // namespace slotwise::tools
