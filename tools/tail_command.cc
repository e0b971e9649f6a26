#include "tools/tail_command.h"

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

#include "events/commit_codec.h"
#include "events/subscription.h"
#include "service/signals.h"
#include "tools/commit_json.h"
#include "tools/subject_filter.h"
#include "tools/time_arg.h"

namespace slotwise::tools {

namespace {

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void print_event(const std::string& format, const events::StoredCommit& commit,
                 const EventJson& event) {
  if (format == "table") {
    const std::string type = event.type.substr(event.type.rfind('.') + 1);
    std::cout << pad(std::to_string(commit.sequence), 8) << "  "
              << events::format_time_ns(commit.timestamp_ns) << "  " << pad(commit.subject, 34)
              << "  " << pad(type, 26) << "  " << pad(describe_actor(commit.commit.actor()), 22)
              << "  " << event.json << "\n";
  } else {
    std::cout << event_envelope_json(commit, event, format == "json") << "\n";
  }
}

common::Result<events::TailStart, std::string> start_of(const TailOptions& opts) {
  events::TailStart start;
  if (opts.from_seq > 0) {
    start.kind = events::TailStart::Kind::kFromSequence;
    start.sequence = opts.from_seq;
  } else if (!opts.from_time.empty()) {
    auto t = parse_time_arg("--from-time", opts.from_time);
    if (!t) return common::fail(t.error());
    start.kind = events::TailStart::Kind::kFromTime;
    start.time_ns = t.value();
  }
  return start;
}

// Prints deliveries until a signal, --limit or --until-idle; the exit code.
int follow(events::TailSubscription& sub, const service::ShutdownSignals& signals,
           const TailOptions& opts, const std::string& format) {
  const auto poll = std::chrono::milliseconds(200);
  std::uint64_t printed = 0;
  std::int64_t idle_ms = 0;
  const auto limit_reached = [&] { return opts.limit > 0 && printed >= opts.limit; };
  while (!signals.stop_requested() && !limit_reached()) {
    auto next = sub.next(poll);
    if (!next) {
      print_error(next.error().describe());
      return exit_code_for(next.error());
    }
    if (!next.value()) {
      idle_ms += poll.count();
      if (opts.until_idle_ms > 0 && idle_ms >= opts.until_idle_ms) break;
      continue;
    }
    idle_ms = 0;
    const events::Delivery& d = *next.value();
    if (!d.commit) {
      print_error("skipping undecodable commit: " + d.commit.error().describe());
      continue;
    }
    for (const auto& event : events_of(d.commit.value())) {
      if (limit_reached()) break;
      print_event(format, d.commit.value(), event);
      ++printed;
    }
    // Without this a tail whose reader has gone (nats.c ignores SIGPIPE, so
    // writes fail with EPIPE) would follow forever, printing nowhere.
    if (!flush_output()) return kExitFailed;
  }
  return flush_output() ? kExitOk : kExitFailed;
}

}  // namespace

int run_tail(const CliContext& ctx, const TailOptions& opts) {
  std::string format = opts.format;
  if (format.empty()) format = (ctx.json || !stdout_is_terminal()) ? "ndjson" : "table";
  auto start = start_of(opts);
  if (!start) {
    print_error(start.error());
    return kExitUsage;
  }
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  auto filter = subject_filter(store->stream().subject_prefix, opts.category, opts.aggregate);
  if (!filter) {
    print_error(filter.error());
    return kExitUsage;
  }
  if (auto st = store->state(); !st) {
    print_error(st.error().code == events::ErrorCode::kNotFound
                    ? "stream " + ctx.stream + " does not exist"
                    : st.error().describe());
    return exit_code_for(st.error());
  }
  auto sub = events::TailSubscription::open(*store, filter.value(), start.value());
  if (!sub) {
    print_error(sub.error().describe());
    return exit_code_for(sub.error());
  }
  auto signals = service::ShutdownSignals::install();
  if (!signals) {
    print_error("cannot install signal handlers: " + signals.error());
    return kExitFailed;
  }
  // On stderr, so stdout stays pure data: from here on no commit is missed
  // (a script can wait for this line before it appends).
  if (opts.limit == 0 && opts.until_idle_ms == 0) {
    std::cerr << "slotwise tail: following " << filter.value()
              << (opts.only_new ? " (new commits only)" : "") << "; Ctrl-C stops\n"
              << std::flush;
  }
  return follow(*sub.value(), *signals.value(), opts, format);
}

}  // namespace slotwise::tools
