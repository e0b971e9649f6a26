#include "tools/restore_command.h"

#include <nats/nats.h>

#include <iostream>
#include <memory>
#include <string>

#include "events/commit_codec.h"
#include "events/nats_handles.h"
#include "tools/export_verifier.h"
#include "tools/line_file.h"
#include "tools/progress.h"

namespace slotwise::tools {

namespace {

struct RestoreOptions {
  std::string file;
};

// Reads the whole file through a verifier; nullopt when intact, else the
// message to print.
std::optional<std::string> verify_file(const std::string& path, ExportVerifier& verifier) {
  auto reader = LineReader::open(path);
  if (!reader) return reader.error();
  while (true) {
    auto line = reader.value()->next();
    if (!line) return line.error();
    if (!line.value()) break;
    if (auto broken = verifier.add_line(*line.value())) return "BROKEN at " + broken->describe();
  }
  if (auto broken = verifier.finish()) return "BROKEN at " + broken->describe();
  return std::nullopt;
}

std::optional<std::string> publish(jsCtx* js, const ExportRecord& r) {
  natsMsg* raw = nullptr;
  if (natsMsg_Create(&raw, r.subject.c_str(), nullptr, r.payload.data(),
                     static_cast<int>(r.payload.size())) != NATS_OK) {
    return std::string("cannot create message");
  }
  events::MsgPtr msg(raw);
  const std::string expected_prefix = "Nats-Expected-";
  for (const auto& [name, value] : r.headers) {
    // Preconditions are ours to set; the message id is not re-sent (commit
    // ids may repeat across aggregates outside the duplicate window).
    if (name.rfind(expected_prefix, 0) == 0 || name == events::kHeaderMsgId) continue;
    if (natsMsgHeader_Add(msg.get(), name.c_str(), value.c_str()) != NATS_OK) {
      return "cannot set header " + name;
    }
  }
  slotwise::events::v1::Commit commit;
  (void)commit.ParseFromString(r.payload);  // verified before
  const std::string prev = std::to_string(commit.previous_version());
  if (natsMsgHeader_Set(msg.get(), events::kHeaderExpectedLastSubjectSeq, prev.c_str()) !=
      NATS_OK) {
    return std::string("cannot set header");
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.ExpectLastSeq = r.sequence - 1;  // 0 (the first) means "no expectation"
  po.MaxWait = 10000;
  jsPubAck* raw_ack = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = js_PublishMsg(&raw_ack, js, msg.get(), &po, &code);
  events::PubAckPtr ack(raw_ack);
  if (s != NATS_OK) {
    return std::string(natsStatus_GetText(s)) +
           (code != 0 ? " (JetStream error " + std::to_string(code) + ")" : "");
  }
  if (ack->Duplicate || ack->Sequence != r.sequence) {
    return "stored at sequence " + std::to_string(ack->Sequence) + " instead of " +
           std::to_string(r.sequence);
  }
  return std::nullopt;
}

int restore(const CliContext& ctx, const RestoreOptions& opts) {
  ExportVerifier pre;
  if (auto problem = verify_file(opts.file, pre)) {
    print_error("nothing restored: " + *problem);
    return kExitFailed;
  }
  if (pre.commits() == 0) {
    print_error("nothing restored: " + opts.file + " holds no commits");
    return kExitFailed;
  }
  if (!pre.complete_from_start()) {
    print_error("refusing to restore " + opts.file + ": it is a partial export (filter '" +
                pre.header().filter + "', first sequence " + std::to_string(pre.first_sequence()) +
                "); restore needs an export of the whole log from sequence 1 so that every "
                "commit keeps its sequence and hash chain");
    return kExitFailed;
  }
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  auto state = store->state();
  if (!state && state.error().code == events::ErrorCode::kNotFound) state = store->provision();
  if (!state) {
    print_error(state.error().describe());
    return exit_code_for(state.error());
  }
  if (state->messages > 0 || state->last_sequence > 0) {
    print_error("refusing to restore into stream " + ctx.stream + ": it is not empty (" +
                std::to_string(state->messages) + " messages, last sequence " +
                std::to_string(state->last_sequence) +
                "); restore only writes into an empty stream and never changes existing events");
    return kExitFailed;
  }
  const std::string prefix = store->stream().subject_prefix + ".";
  auto reader = LineReader::open(opts.file);
  if (!reader) {
    print_error(reader.error());
    return kExitFailed;
  }
  ExportVerifier verifier;
  Progress progress("restore", pre.last_sequence());
  std::uint64_t restored = 0;
  while (true) {
    auto line = reader.value()->next();
    if (!line) {
      print_error("restore stopped after " + std::to_string(restored) +
                  " commits: " + line.error());
      return kExitFailed;
    }
    if (!line.value()) break;
    if (auto broken = verifier.add_line(*line.value())) {
      print_error("restore stopped after " + std::to_string(restored) + " commits: BROKEN at " +
                  broken->describe());
      return kExitFailed;
    }
    if (!verifier.last_was_commit()) continue;
    const ExportRecord& r = verifier.record();
    if (r.subject.rfind(prefix, 0) != 0) {
      print_error("restore stopped: subject " + r.subject + " is outside stream " + ctx.stream +
                  " (" + prefix + ">)");
      return kExitFailed;
    }
    if (auto failed = publish(store->js(), r)) {
      print_error("restore stopped after " + std::to_string(restored) + " commits at subject " +
                  r.subject + " sequence " + std::to_string(r.sequence) + ": " + *failed);
      return kExitFailed;
    }
    ++restored;
    progress.update(restored, r.sequence);
  }
  progress.finish(restored);
  if (ctx.json) {
    std::cout << R"({"restored":)" << restored << R"(,"subjects":)" << verifier.subjects()
              << R"(,"last_sequence":)" << verifier.last_sequence() << "}\n";
  } else {
    std::cout << "restored " << restored << " commits over " << verifier.subjects()
              << " aggregates into stream " << ctx.stream << " (sequences 1.."
              << verifier.last_sequence() << ")\n";
  }
  return kExitOk;
}

}  // namespace

void add_restore_command(CLI::App& app, CliContext& ctx, int& exit_code) {
  auto opts = std::make_shared<RestoreOptions>();
  auto* cmd = app.add_subcommand(
      "restore",
      "Restore a complete export into an EMPTY stream, verifying the hash chain as it goes");
  cmd->add_option("FILE", opts->file, "Export file (plain or gzip)")->required();
  cmd->callback([&ctx, &exit_code, opts] { exit_code = restore(ctx, *opts); });
}

}  // namespace slotwise::tools
