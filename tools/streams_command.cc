#include "tools/streams_command.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <string>
#include <vector>

#include "events/commit_codec.h"
#include "events/stream_spec.h"

namespace slotwise::tools {

namespace {

void print_state(const CliContext& ctx, const events::StreamState& st,
                 const std::vector<events::ConsumerState>& consumers) {
  if (ctx.json) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("stream");
    w.String(ctx.stream.c_str());
    w.Key("created");
    w.Bool(st.created);
    w.Key("messages");
    w.Uint64(st.messages);
    w.Key("bytes");
    w.Uint64(st.bytes);
    w.Key("first_sequence");
    w.Uint64(st.first_sequence);
    w.Key("last_sequence");
    w.Uint64(st.last_sequence);
    w.Key("first_time");
    w.String(st.first_time_ns == 0 ? "" : events::format_time_ns(st.first_time_ns).c_str());
    w.Key("last_time");
    w.String(st.last_time_ns == 0 ? "" : events::format_time_ns(st.last_time_ns).c_str());
    w.Key("consumers");
    w.StartArray();
    for (const auto& c : consumers) {
      w.StartObject();
      w.Key("name");
      w.String(c.name.c_str());
      w.Key("delivered_sequence");
      w.Uint64(c.delivered_stream_sequence);
      w.Key("ack_floor_sequence");
      w.Uint64(c.ack_floor_stream_sequence);
      w.Key("pending");
      w.Uint64(c.num_pending);
      w.Key("ack_pending");
      w.Uint64(c.num_ack_pending);
      w.Key("lag");
      w.Uint64(c.num_pending + c.num_ack_pending);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << buf.GetString() << "\n";
    return;
  }
  std::cout << "stream " << ctx.stream << (st.created ? " (created)" : "") << "\n"
            << "  messages        " << st.messages << "\n"
            << "  bytes           " << st.bytes << "\n"
            << "  first sequence  " << st.first_sequence << "  "
            << (st.first_time_ns == 0 ? "-" : events::format_time_ns(st.first_time_ns)) << "\n"
            << "  last sequence   " << st.last_sequence << "  "
            << (st.last_time_ns == 0 ? "-" : events::format_time_ns(st.last_time_ns)) << "\n";
  if (!consumers.empty()) {
    std::cout << "consumers\n";
    for (const auto& c : consumers) {
      std::cout << "  " << c.name << "  delivered " << c.delivered_stream_sequence << "  acked "
                << c.ack_floor_stream_sequence << "  lag " << (c.num_pending + c.num_ack_pending)
                << "\n";
    }
  }
}

std::vector<events::ConsumerState> list_consumers(jsCtx* js, const CliContext& ctx) {
  std::vector<events::ConsumerState> out;
  jsConsumerNamesList* names = nullptr;
  if (js_ConsumerNames(&names, js, ctx.stream.c_str(), nullptr, nullptr) != NATS_OK) return out;
  for (int i = 0; i < names->Count; ++i) {
    events::StreamSpec spec;
    spec.name = ctx.stream;
    auto st = events::consumer_state(js, spec, names->List[i]);
    if (st) out.push_back(std::move(st).value());
  }
  jsConsumerNamesList_Destroy(names);
  return out;
}

int run(const CliContext& ctx, const StreamsInitOptions& opts, bool init) {
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  auto st = init ? store->provision() : store->state();
  if (!st) {
    if (st.error().code == events::ErrorCode::kNotFound) {
      print_error("stream " + ctx.stream +
                  " does not exist; create it with `slotwise streams init`");
    } else {
      print_error(st.error().describe());
    }
    return exit_code_for(st.error());
  }
  for (const auto& c : opts.consumers) {
    const auto eq = c.find('=');
    events::ConsumerSpec spec;
    spec.durable_name = c.substr(0, eq);
    if (eq != std::string::npos) spec.filter_subject = c.substr(eq + 1);
    auto cs = events::ensure_consumer(store->js(), store->stream(), spec);
    if (!cs) {
      print_error(cs.error().describe());
      return exit_code_for(cs.error());
    }
  }
  print_state(ctx, st.value(), list_consumers(store->js(), ctx));
  return kExitOk;
}

}  // namespace

int run_streams_init(const CliContext& ctx, const StreamsInitOptions& opts) {
  return run(ctx, opts, true);
}

int run_streams_status(const CliContext& ctx) { return run(ctx, StreamsInitOptions{}, false); }

}  // namespace slotwise::tools
