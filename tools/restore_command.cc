#include "tools/restore_command.h"

#include <nats/nats.h>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>

#include "events/commit_codec.h"
#include "events/nats_handles.h"
#include "tools/export_verifier.h"
#include "tools/json_out.h"
#include "tools/line_file.h"
#include "tools/progress.h"

namespace slotwise::tools {

namespace {

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

// Acknowledgements of the pipelined publishes arrive on a nats.c thread.
struct AckState {
  std::mutex mu;
  std::uint64_t acked = 0;
  std::optional<std::string> failure;  // the first failed commit, by sequence
  std::uint64_t failed_sequence = 0;
};

std::uint64_t expected_sequence_of(natsMsg* msg) {
  const char* v = nullptr;
  if (natsMsgHeader_Get(msg, "Nats-Expected-Last-Sequence", &v) != NATS_OK || v == nullptr) {
    return 1;  // the first commit is published without the precondition
  }
  return std::strtoull(v, nullptr, 10) + 1;
}

void on_ack(jsCtx* /*js*/, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto* st = static_cast<AckState*>(closure);
  const std::uint64_t expected = expected_sequence_of(msg);
  std::optional<std::string> why;
  if (pae != nullptr) {
    why = std::string(pae->ErrText != nullptr ? pae->ErrText : natsStatus_GetText(pae->Err));
    if (pae->ErrCode != 0) why->append(" (JetStream error " + std::to_string(pae->ErrCode) + ")");
  } else if (pa == nullptr || pa->Duplicate || pa->Sequence != expected) {
    why = "stored at sequence " + std::to_string(pa == nullptr ? 0 : pa->Sequence) +
          " instead of " + std::to_string(expected);
  }
  {
    const std::lock_guard<std::mutex> lock(st->mu);
    if (!why) {
      ++st->acked;
    } else if (!st->failure || expected < st->failed_sequence) {
      st->failed_sequence = expected;
      st->failure = "at subject " + std::string(natsMsg_GetSubject(msg)) + " sequence " +
                    std::to_string(expected) + ": " + *why;
    }
  }
  natsMsg_Destroy(msg);
}

// Publishes one record with the preconditions that keep its sequence.
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
  natsMsg* owned = msg.release();
  const natsStatus s = js_PublishMsgAsync(js, &owned, &po);
  natsMsg_Destroy(owned);  // no-op when the library took it
  if (s != NATS_OK) return std::string(natsStatus_GetText(s));
  return std::nullopt;
}

// A JetStream context of its own, so the acknowledgements come to on_ack.
common::Result<events::JsContextPtr, std::string> restore_context(natsConnection* nc,
                                                                  AckState* state) {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = 4096;
  jo.PublishAsync.AckHandler = &on_ack;
  jo.PublishAsync.AckHandlerClosure = state;
  jsCtx* raw = nullptr;
  if (natsConnection_JetStream(&raw, nc, &jo) != NATS_OK) {
    return common::fail(std::string("cannot create a JetStream context"));
  }
  return events::JsContextPtr(raw);
}

std::uint64_t acked_count(AckState& acks) {
  const std::lock_guard<std::mutex> lock(acks.mu);
  return acks.acked;
}

std::optional<std::string> ack_failure(AckState& acks) {
  const std::lock_guard<std::mutex> lock(acks.mu);
  return acks.failure;
}

// Waits for what is in flight (so the count is exact), then reports.
int stop_restore(jsCtx* js, AckState& acks, const std::string& why) {
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = 30000;
  (void)js_PublishAsyncComplete(js, &wait);
  print_error("restore stopped after " + std::to_string(acked_count(acks)) + " commits: " + why);
  return kExitFailed;
}

// The file verifies and holds the whole log from sequence 1.
int check_file(const std::string& file, ExportVerifier& pre) {
  if (auto problem = verify_file(file, pre)) {
    print_error("nothing restored: " + *problem);
    return kExitFailed;
  }
  if (pre.commits() == 0) {
    print_error("nothing restored: " + file + " holds no commits");
    return kExitFailed;
  }
  if (!pre.complete_from_start()) {
    print_error("refusing to restore " + file + ": it is a partial export (filter '" +
                pre.header().filter + "', first sequence " + std::to_string(pre.first_sequence()) +
                "); restore needs an export of the whole log from sequence 1 so that every "
                "commit keeps its sequence and hash chain");
    return kExitFailed;
  }
  return kExitOk;
}

// The stream exists (created if missing) with the configuration `streams
// init` would give it (else exit 4), and has never held a message.
int check_target(const CliContext& ctx, const events::EventStore& store) {
  auto state = store.provision();
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
  return kExitOk;
}

// Reads the file again, verifying each link, and publishes every commit
// pipelined; returns the exit code and fills `verifier`.
int publish_all(const std::string& file, jsCtx* js, AckState& acks, ExportVerifier& verifier,
                Progress& progress) {
  auto reader = LineReader::open(file);
  if (!reader) return stop_restore(js, acks, reader.error());
  std::uint64_t submitted = 0;
  while (!ack_failure(acks)) {
    auto line = reader.value()->next();
    if (!line) return stop_restore(js, acks, line.error());
    if (!line.value()) break;
    if (auto broken = verifier.add_line(*line.value())) {
      return stop_restore(js, acks, "BROKEN at " + broken->describe());
    }
    if (!verifier.last_was_commit()) continue;
    // The verifier has checked that the subject is inside the stream.
    const ExportRecord& r = verifier.record();
    if (auto failed = publish(js, r)) {
      return stop_restore(
          js, acks,
          "at subject " + r.subject + " sequence " + std::to_string(r.sequence) + ": " + *failed);
    }
    ++submitted;
    progress.update(acked_count(acks), r.sequence);
  }
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = 60000;
  const natsStatus done = js_PublishAsyncComplete(js, &wait);
  if (auto failure = ack_failure(acks)) return stop_restore(js, acks, *failure);
  if (done != NATS_OK || acked_count(acks) != submitted) {
    return stop_restore(js, acks,
                        "not every commit was acknowledged (" + std::to_string(acked_count(acks)) +
                            " of " + std::to_string(submitted) + "): " + natsStatus_GetText(done));
  }
  return kExitOk;
}

}  // namespace

int run_restore(const CliContext& ctx, const RestoreOptions& opts) {
  const std::string prefix = ctx.store_options().stream.subject_prefix;
  ExportVerifier pre(prefix);
  if (const int code = check_file(opts.file, pre); code != kExitOk) return code;
  auto store = ctx.open_store();
  if (!store) return kExitUnavailable;
  if (const int code = check_target(ctx, *store); code != kExitOk) return code;
  AckState acks;
  auto js = restore_context(store->nc(), &acks);
  if (!js) {
    print_error(js.error());
    return kExitUnavailable;
  }
  ExportVerifier verifier(prefix);
  Progress progress("restore", pre.last_sequence());
  const int code = publish_all(opts.file, js->get(), acks, verifier, progress);
  if (code != kExitOk) return code;
  const std::uint64_t restored = acked_count(acks);
  progress.finish(restored);
  if (ctx.json) {
    std::cout << JsonOut()
                     .num("restored", restored)
                     .num("subjects", verifier.subjects())
                     .num("last_sequence", verifier.last_sequence())
                     .finish()
              << "\n";
  } else {
    std::cout << "restored " << restored << " commits over " << verifier.subjects()
              << " aggregates into stream " << ctx.stream << " (sequences 1.."
              << verifier.last_sequence() << ")\n";
  }
  return kExitOk;
}

}  // namespace slotwise::tools
