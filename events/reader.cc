#include "events/reader.h"

#include "events/commit_codec.h"
#include "events/nats_handles.h"
#include "events/nats_status.h"

namespace slotwise::events {

namespace {
constexpr std::int64_t kNanosPerMilli = 1000000;
}

Reader::Reader(jsCtx* js, StreamSpec stream, std::chrono::milliseconds request_timeout)
    : js_(js), stream_(std::move(stream)), request_timeout_(request_timeout) {}

Status Reader::scan(const ScanRange& range, const CommitVisitor& visit) const {
  return scan_impl(range, visit, true);
}

namespace {

// An ephemeral pull consumer positioned at the start of the range.
Result<SubscriptionPtr> open_range_consumer(jsCtx* js, const StreamSpec& stream,
                                            const std::string& filter, const ScanRange& range,
                                            jsOptions* jo) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.name.c_str();
  so.Config.AckPolicy = js_AckNone;
  so.Config.MemoryStorage = true;
  // Abandoned consumers (a crashed reader) are removed by the server.
  so.Config.InactiveThreshold = 30LL * 1000 * kNanosPerMilli;
  if (range.from_time_ns > 0) {
    so.Config.DeliverPolicy = js_DeliverByStartTime;
    so.Config.OptStartTime = range.from_time_ns;
  } else {
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = std::max<std::uint64_t>(1, range.from_sequence);
  }
  natsSubscription* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = js_PullSubscribe(&raw, js, filter.c_str(), nullptr, jo, &so, &code);
  SubscriptionPtr sub(raw);
  if (s != NATS_OK) return common::Unexpected<Error>{from_nats(s, code, "read " + filter)};
  return sub;
}

// How many messages the new consumer has to deliver.
Result<ConsumerInfoPtr> consumer_info(natsSubscription* sub, jsOptions* jo,
                                      const std::string& filter) {
  jsConsumerInfo* raw = nullptr;
  auto code = static_cast<jsErrCode>(0);
  const natsStatus s = natsSubscription_GetConsumerInfo(&raw, sub, jo, &code);
  ConsumerInfoPtr info(raw);
  if (s != NATS_OK) {
    return common::Unexpected<Error>{from_nats(s, code, "consumer info for " + filter)};
  }
  return info;
}

Result<std::uint64_t> pending_of(natsSubscription* sub, jsOptions* jo, const std::string& filter) {
  auto info = consumer_info(sub, jo, filter);
  if (!info) return common::Unexpected<Error>{info.error()};
  return info.value()->NumPending;
}

// After a fetch that timed out with nothing. The server's "nothing left"
// can come back as a timeout; so does a slow server or a lost connection,
// which must not pass for the end of the log (a reader would take a
// cut-off aggregate as current). An error when the consumer still holds
// commits at or below `end`: some are pending and the last one delivered
// is before `end` (pending ones may all lie beyond `end`; then the read
// fails, which is safe, where ending it early is not).
Status end_after_timeout(natsSubscription* sub, jsOptions* jo, const std::string& filter,
                         std::uint64_t end) {
  auto info = consumer_info(sub, jo, filter);
  if (!info) return common::Unexpected<Error>{info.error()};
  if (info.value()->NumPending > 0 && info.value()->Delivered.Stream < end) {
    return make_error(ErrorCode::kUnavailable,
                      "fetch " + filter + " timed out before the end of the range");
  }
  return common::Unit{};
}

enum class BatchOutcome { kMore, kDone };

// Hands one fetched batch to the visitor; kDone at the end of the range, when
// the visitor stops, or when the server has nothing more pending.
Result<BatchOutcome> visit_batch(MsgList& list, std::uint64_t end, std::string_view prefix,
                                 bool with_headers, const CommitVisitor& visit) {
  for (int i = 0; i < list.size(); ++i) {
    natsMsg* msg = list.at(i);
    jsMsgMetaData* raw_meta = nullptr;
    if (natsMsg_GetMetaData(&raw_meta, msg) != NATS_OK) {
      return make_error(ErrorCode::kInternal, "delivery without JetStream metadata");
    }
    const MetaDataPtr meta(raw_meta);
    const std::uint64_t seq = meta->Sequence.Stream;
    if (seq > end) return BatchOutcome::kDone;
    auto decoded = decode_message(msg, prefix, seq, meta->Timestamp);
    if (with_headers && decoded) decoded->headers = message_headers(msg);
    if (!visit(std::move(decoded))) return BatchOutcome::kDone;
    if (seq == end || meta->NumPending == 0) return BatchOutcome::kDone;
  }
  return BatchOutcome::kMore;
}

}  // namespace

Status Reader::scan_impl(const ScanRange& range, const CommitVisitor& visit,
                         bool check_pending) const {
  std::uint64_t end = range.to_sequence;
  if (end == 0) {
    auto st = stream_state(js_, stream_);
    if (!st) return common::Unexpected<Error>{st.error()};
    end = st->last_sequence;
  }
  if (end == 0 || (range.from_time_ns == 0 && range.from_sequence > end)) return common::Unit{};

  const std::string filter =
      range.filter_subject.empty() ? stream_.wildcard() : range.filter_subject;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = request_timeout_.count();
  auto sub = open_range_consumer(js_, stream_, filter, range, &jo);
  if (!sub) return common::Unexpected<Error>{sub.error()};

  Status result = common::Unit{};
  bool done = false;
  if (check_pending) {
    auto pending = pending_of(sub->get(), &jo, filter);
    if (!pending) result = common::Unexpected<Error>{pending.error()};
    done = !pending || pending.value() == 0;
  }
  while (!done) {
    jsFetchRequest req;
    jsFetchRequest_Init(&req);
    req.Batch = range.batch;
    req.NoWait = true;  // the server answers at once with what there is
    req.Expires = request_timeout_.count() * kNanosPerMilli;
    MsgList list;
    const natsStatus s = natsSubscription_FetchRequest(list.get(), sub->get(), &req);
    if (s == NATS_NOT_FOUND) break;  // nothing left
    if (s == NATS_TIMEOUT && list.size() == 0) {
      result = end_after_timeout(sub->get(), &jo, filter, end);
      break;
    }
    if (s != NATS_OK) {
      result =
          common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), "fetch " + filter)};
      break;
    }
    auto outcome = visit_batch(list, end, stream_.subject_prefix, range.with_headers, visit);
    if (!outcome) result = common::Unexpected<Error>{outcome.error()};
    done = !outcome || outcome.value() == BatchOutcome::kDone;
  }
  natsSubscription_Unsubscribe(sub->get());  // deletes the ephemeral consumer
  return result;
}

Result<std::vector<StoredCommit>> Reader::read_aggregate(const AggregateRef& ref,
                                                         std::uint64_t from_version) const {
  if (auto ok = validate(ref); !ok) return common::Unexpected<Error>{ok.error()};
  std::vector<StoredCommit> out;
  const std::string subject = subject_of(stream_.subject_prefix, ref);
  // The usual case (an up-to-date cached aggregate) costs one direct get.
  auto last = last_commit(subject);
  if (!last) return common::Unexpected<Error>{last.error()};
  if (!last.value() || last.value()->sequence <= from_version) return out;
  std::optional<Error> failure;
  ScanRange range;
  range.filter_subject = subject;
  range.from_sequence = from_version + 1;
  range.to_sequence = last.value()->sequence;
  auto st = scan_impl(
      range,
      [&](Result<StoredCommit>&& c) {
        if (!c) {
          failure = c.error();
          return false;
        }
        out.push_back(std::move(c).value());
        return true;
      },
      false);
  if (!st) return common::Unexpected<Error>{st.error()};
  if (failure) return common::Unexpected<Error>{*failure};
  // The subject's last commit is `to_sequence`: a read that did not reach
  // it ended early, and an aggregate rebuilt from it would be stale.
  if (out.empty() || out.back().sequence != range.to_sequence) {
    return make_error(ErrorCode::kUnavailable, "the read of " + subject +
                                                   " ended before its last commit (" +
                                                   std::to_string(range.to_sequence) + ")");
  }
  return out;
}

namespace {
Result<std::optional<StoredCommit>> direct_get(jsCtx* js, const StreamSpec& stream,
                                               jsDirectGetMsgOptions* opts, const std::string& what,
                                               std::chrono::milliseconds timeout) {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = timeout.count();
  natsMsg* raw = nullptr;
  const natsStatus s = js_DirectGetMsg(&raw, js, stream.name.c_str(), &jo, opts);
  MsgPtr msg(raw);
  if (s == NATS_NOT_FOUND) return std::optional<StoredCommit>{};
  if (s != NATS_OK) return common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), what)};
  auto decoded = decode_message(msg.get(), stream.subject_prefix, natsMsg_GetSequence(msg.get()),
                                natsMsg_GetTime(msg.get()));
  if (!decoded) return common::Unexpected<Error>{decoded.error()};
  return std::optional<StoredCommit>(std::move(decoded).value());
}
}  // namespace

Result<std::optional<StoredCommit>> Reader::last_commit(const std::string& subject) const {
  jsDirectGetMsgOptions opts;
  jsDirectGetMsgOptions_Init(&opts);
  opts.LastBySubject = subject.c_str();
  return direct_get(js_, stream_, &opts, "last commit of " + subject, request_timeout_);
}

Result<std::optional<StoredCommit>> Reader::commit_at(std::uint64_t sequence) const {
  jsDirectGetMsgOptions opts;
  jsDirectGetMsgOptions_Init(&opts);
  opts.Sequence = sequence;
  return direct_get(js_, stream_, &opts, "commit at " + std::to_string(sequence), request_timeout_);
}

}  // namespace slotwise::events
