#include "tools/inspect_command.h"

#include <google/protobuf/util/time_util.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <string>
#include <vector>

#include "events/commit_codec.h"
#include "tools/aggregate_state.h"
#include "tools/commit_json.h"
#include "tools/json_out.h"
#include "tools/subject_filter.h"
#include "tools/time_arg.h"

namespace slotwise::tools {

namespace {

std::int64_t committed_ns(const events::StoredCommit& c) {
  if (!c.commit.has_committed_at()) return c.timestamp_ns;
  return google::protobuf::util::TimeUtil::TimestampToNanoseconds(c.commit.committed_at());
}

std::string pretty(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  doc.Accept(w);
  return buf.GetString();
}

void print_json(const InspectOptions& o, const std::string& subject,
                const std::vector<events::StoredCommit>& commits,
                const std::optional<std::string>& state) {
  JsonOut out;
  out.str("category", o.category)
      .str("id", o.id)
      .str("subject", subject)
      .num("version", commits.back().sequence)
      .num("commits", commits.size())
      .key("events");
  out.writer().StartArray();
  for (const auto& c : commits) {
    for (const auto& e : events_of(c)) out.raw_value(event_envelope_json(c, e, false));
  }
  out.writer().EndArray();
  out.raw("state", state.value_or("null"));
  std::cout << out.finish() << "\n";
}

void print_table(const InspectOptions& o, const std::string& subject,
                 const std::vector<events::StoredCommit>& commits, std::size_t total,
                 const std::optional<std::string>& state) {
  std::cout << o.category << " " << o.id << " (" << subject << ")  version "
            << commits.back().sequence << ", " << commits.size() << " of " << total
            << " commits\n\n";
  std::cout << "SEQ       COMMITTED AT                 TYPE                        ACTOR\n";
  for (const auto& c : commits) {
    for (const auto& e : events_of(c)) {
      std::string seq = std::to_string(c.sequence);
      seq.resize(std::max<std::size_t>(seq.size(), 8), ' ');
      std::string type = e.type.substr(e.type.rfind('.') + 1);
      type.resize(std::max<std::size_t>(type.size(), 26), ' ');
      std::cout << seq << "  " << committed_at(c.commit) << "  " << type << "  "
                << describe_actor(c.commit.actor()) << "\n          " << e.json << "\n";
    }
  }
  std::cout << "\nstate at version " << commits.back().sequence << ":\n";
  if (state) {
    std::cout << pretty(*state) << "\n";
  } else {
    std::cout << "(not modelled: the " << o.category << " aggregate has no decider yet)\n";
  }
}

// kExitOk when the stream exists, else the exit code after a message
// (reading a missing stream would wait for its timeout and look unreachable).
int require_stream(const CliContext& ctx, const events::EventStore& store) {
  auto st = store.state();
  if (st) return kExitOk;
  print_error(st.error().code == events::ErrorCode::kNotFound
                  ? "stream " + ctx.stream + " does not exist"
                  : st.error().describe());
  return exit_code_for(st.error());
}

}  // namespace

int run_inspect(const CliContext& ctx, const InspectOptions& o) {
  if (!is_known_category(o.category)) {
    print_error("unknown category '" + o.category + "' (one of " + kCategories + ")");
    return kExitUsage;
  }
  if (!events::is_valid_token(o.id)) {
    print_error("'" + o.id + "' is not a valid aggregate id");
    return kExitUsage;
  }
  std::int64_t at_ns = 0;
  if (!o.at_time.empty()) {
    auto t = parse_time_arg("--at-time", o.at_time);
    if (!t) {
      print_error(t.error());
      return kExitUsage;
    }
    at_ns = t.value();
  }
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  const events::AggregateRef ref{o.category, o.id};
  const std::string subject = events::subject_of(store->stream().subject_prefix, ref);
  if (const int code = require_stream(ctx, *store); code != kExitOk) return code;
  auto all = store->read(ref, 0);
  if (!all) {
    print_error(all.error().code == events::ErrorCode::kNotFound
                    ? "stream " + ctx.stream + " does not exist"
                    : all.error().describe());
    return exit_code_for(all.error());
  }
  if (all->empty()) {
    print_error("no commits for " + o.category + " " + o.id + " (subject " + subject + ")");
    return kExitFailed;
  }
  std::vector<events::StoredCommit> upto;
  for (auto& c : all.value()) {
    if (o.at_seq > 0 && c.sequence > o.at_seq) break;
    if (at_ns > 0 && committed_ns(c) > at_ns) break;
    upto.push_back(c);
  }
  if (upto.empty()) {
    print_error(o.category + " " + o.id + " has no commits at or before " +
                (o.at_seq > 0 ? "sequence " + std::to_string(o.at_seq) : o.at_time) +
                " (its first commit is sequence " + std::to_string(all->front().sequence) + ", " +
                committed_at(all->front().commit) + ")");
    return kExitFailed;
  }
  auto state = rebuild_state_json(o.category, upto);
  if (!state) {
    print_error("cannot rebuild " + subject + ": " + state.error());
    return kExitFailed;
  }
  if (ctx.json) {
    print_json(o, subject, upto, state.value());
  } else {
    print_table(o, subject, upto, all->size(), state.value());
  }
  return kExitOk;
}

}  // namespace slotwise::tools
