// Event store benchmark (issue: foundation, section 6). Not a test: it prints
// a table and writes JSON with each library figure's ratio to a raw nats.c
// baseline measured in the same run against the same local nats-server.
//
//   event_store_bench [--n N] [--json PATH] [--rounds R] [--in-flight K]
//
// Baselines: raw sync publish (expected-seq + msg-id headers), raw plain async
// publish, raw async pipeline with the same concurrency headers over 1,000
// subjects (one in flight per subject, as optimistic concurrency requires),
// raw pull-consumer fetch. Library: sync append, pipelined append over 1,000
// aggregates at several in-flight limits, replay (scan + decode).
#include <nats/nats.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "slotwise/events/v1/calendar.pb.h"
#include "tests/support/nats_server.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSubjects = 1000;

struct Row {
  std::string name;
  long ops = 0;
  double seconds = 0;
  std::string baseline;
  // CPU seconds spent by this process and by nats-server during the row.
  double client_cpu = 0;
  double server_cpu = 0;
  long client_switches = 0;
  // Set for rows measured in several rounds: the median of the per-round
  // ratios to the baseline measured right before in the same round.
  double median_ratio = -1;
  [[nodiscard]] double rate() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

// CPU seconds (user + system) this process and `server` have used so far.
struct CpuSample {
  double self = 0;
  double server = 0;
  long switches = 0;  // this process's context switches (voluntary + not)
};

CpuSample cpu_now(pid_t server) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  CpuSample c;
  c.self = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  c.switches = ru.ru_nvcsw + ru.ru_nivcsw;
  std::ifstream stat("/proc/" + std::to_string(server) + "/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the parenthesised command name; utime and stime are the
  // 12th and 13th of them (14th and 15th of the line).
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 1; i <= 13 && rest >> field; ++i) {
    if (i >= 12) ticks += std::stod(field);
  }
  c.server = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  return c;
}

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The benchmark is a program, not a library: a failed step ends the run with
// an exception that main() reports.
void check(natsStatus s, const char* what) {
  if (s != NATS_OK)
    throw std::runtime_error(std::string(what) + " failed: " + natsStatus_GetText(s));
}

// Every pipelined row, raw or library, writes into a stream of its own that
// is deleted after the row: each starts on an empty stream with an empty
// duplicate-detection map, so no row pays for the messages of those before
// it (with one shared stream the library rows, 4 per round against the raw
// pipeline's 1, faced a 4x larger duplicate window).
void add_fresh_stream(jsCtx* js, const std::string& name, const std::string& subjects) {
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  std::array<const char*, 1> subj = {subjects.c_str()};
  cfg.Name = name.c_str();
  cfg.Subjects = subj.data();
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Duplicates = 120LL * 1000000000LL;  // the library's default window
  cfg.AllowDirect = true;
  check(js_AddStream(nullptr, js, &cfg, nullptr, nullptr), ("add stream " + name).c_str());
}

void delete_stream(jsCtx* js, const std::string& name) {
  check(js_DeleteStream(js, name.c_str(), nullptr, nullptr), "delete a row's stream");
}

// --- raw baselines ----------------------------------------------------------

Row raw_sync(jsCtx* js, const std::string& payload, long n) {
  std::vector<std::uint64_t> last(kSubjects, 0);
  const auto t0 = Clock::now();
  for (long i = 0; i < n; ++i) {
    const int subj = static_cast<int>(i % kSubjects);
    const std::string subject = "raw.sync." + std::to_string(subj);
    const std::string id = "sync-" + std::to_string(i);
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = id.c_str();
    po.ExpectLastSubjectSeq = last[subj];
    jsPubAck* pa = nullptr;
    check(js_Publish(&pa, js, subject.c_str(), payload.data(), static_cast<int>(payload.size()),
                     &po, nullptr),
          "sync publish");
    last[subj] = pa->Sequence;
    jsPubAck_Destroy(pa);
  }
  return {"raw sync publish (expected-seq + msg-id)", n, since(t0), ""};
}

Row raw_async_plain(jsCtx* js, const std::string& payload, long n) {
  const auto t0 = Clock::now();
  for (long i = 0; i < n; ++i) {
    check(
        js_PublishAsync(js, "raw.plain", payload.data(), static_cast<int>(payload.size()), nullptr),
        "async publish");
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 60000;
  check(js_PublishAsyncComplete(js, &po), "async complete");
  return {"raw async publish (no headers)", n, since(t0), ""};
}

// One in flight per subject: the next publish of a subject needs the previous
// one's sequence for its Nats-Expected-Last-Subject-Sequence header.
struct RawPipeline {
  jsCtx* js = nullptr;
  std::string payload;
  std::string prefix;  // a fresh one per round: every subject starts empty
  long total = 0;
  std::atomic<long> issued{0};
  std::atomic<long> done{0};
  std::mutex mu;
  std::condition_variable cv;

  void publish(int subj, std::uint64_t expected) {
    const long i = issued.fetch_add(1);
    if (i >= total) return;
    natsMsg* m = nullptr;
    const std::string subject = prefix + std::to_string(subj);
    natsMsg_Create(&m, subject.c_str(), nullptr, payload.data(), static_cast<int>(payload.size()));
    const std::string id = prefix + std::to_string(i);  // unique across rounds: no dedup
    const std::string exp = std::to_string(expected);
    natsMsgHeader_Set(m, "Nats-Msg-Id", id.c_str());
    natsMsgHeader_Set(m, "Nats-Expected-Last-Subject-Sequence", exp.c_str());
    check(js_PublishMsgAsync(js, &m, nullptr), "pipeline publish");
  }
  static void on_ack(jsCtx* /*js*/, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
    auto* self = static_cast<RawPipeline*>(closure);
    if (pae != nullptr) {
      // A conflict here means the baseline itself is wrong; stop loudly.
      std::cerr << "raw pipeline ack error: " << (pae->ErrText != nullptr ? pae->ErrText : "?")
                << "\n";
      std::abort();
    }
    const std::string subject = natsMsg_GetSubject(msg);
    const int subj = std::stoi(subject.substr(subject.rfind('.') + 1));
    natsMsg_Destroy(msg);
    self->publish(subj, pa->Sequence);
    if (self->done.fetch_add(1) + 1 == self->total) {
      std::lock_guard<std::mutex> lock(self->mu);
      self->cv.notify_all();
    }
  }
};

Row raw_pipeline(natsConnection* nc, jsCtx* admin, const std::string& payload, long n, int round) {
  const std::string stream = "RAWPIPE" + std::to_string(round);
  const std::string token = "rawpipe" + std::to_string(round);
  add_fresh_stream(admin, stream, token + ".>");
  RawPipeline p;
  p.payload = payload;
  p.prefix = token + ".";
  p.total = n;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = 1 << 30;
  jo.PublishAsync.AckHandler = &RawPipeline::on_ack;
  jo.PublishAsync.AckHandlerClosure = &p;
  check(natsConnection_JetStream(&p.js, nc, &jo), "pipeline js");
  const auto t0 = Clock::now();
  for (int s = 0; s < kSubjects; ++s) p.publish(s, 0);
  {
    std::unique_lock<std::mutex> lock(p.mu);
    p.cv.wait(lock, [&] { return p.done.load() >= n; });
  }
  Row r{"raw async pipeline, expected-seq + msg-id, 1000 subjects", n, since(t0), ""};
  jsCtx_Destroy(p.js);
  delete_stream(admin, stream);
  return r;
}

Row raw_fetch(jsCtx* js, long expected) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = "RAW";
  so.Config.AckPolicy = js_AckNone;
  so.Config.DeliverPolicy = js_DeliverAll;
  natsSubscription* sub = nullptr;
  check(js_PullSubscribe(&sub, js, "raw.plain", nullptr, nullptr, &so, nullptr), "pull subscribe");
  long got = 0;
  const auto t0 = Clock::now();
  while (got < expected) {
    jsFetchRequest req;
    jsFetchRequest_Init(&req);
    req.Batch = 512;
    req.NoWait = true;
    req.Expires = 5LL * 1000000000LL;
    natsMsgList list{};
    const natsStatus s = natsSubscription_FetchRequest(&list, sub, &req);
    if (s != NATS_OK) break;
    for (int i = 0; i < list.Count; ++i) {
      // Touch the data as a consumer would.
      volatile int len = natsMsg_GetDataLength(list.Msgs[i]);
      (void)len;
    }
    got += list.Count;
    natsMsgList_Destroy(&list);
  }
  Row r{"raw pull-consumer fetch (batch 512)", got, since(t0), ""};
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  return r;
}

// --- library ----------------------------------------------------------------

slotwise::events::AppendRequest make_request(long i, slotwise::events::ExpectedVersion expected,
                                             const std::string& tag) {
  slotwise::events::v1::BookingConfirmed e;
  e.set_booking_id("bkg_" + std::to_string(i));
  e.set_business_id("biz_" + std::to_string(i % kSubjects));
  e.set_reason("no_payment_required");
  slotwise::events::AppendRequest r;
  r.aggregate = {"calendar", "biz_" + tag + std::to_string(i % kSubjects)};
  r.expected = expected;
  r.commit_id = tag + std::to_string(i);
  r.metadata.source = "bench";
  r.metadata.correlation_id = "corr";
  r.events.push_back(slotwise::events::pack(e));
  return r;
}

Row lib_sync(slotwise::events::EventStore& store, long n) {
  std::vector<std::uint64_t> version(kSubjects, 0);
  const auto t0 = Clock::now();
  for (long i = 0; i < n; ++i) {
    const auto subj = static_cast<std::size_t>(i % kSubjects);
    auto r =
        store.append(make_request(i, slotwise::events::ExpectedVersion::exact(version[subj]), "s"));
    if (!r) throw std::runtime_error("sync append: " + r.error().describe());
    version[subj] = r->position;
  }
  return {"library sync append (exact version)", n, since(t0),
          "raw sync publish (expected-seq + msg-id)"};
}

// The stream of one library pipeline row (see add_fresh_stream).
slotwise::events::StreamSpec row_stream(const std::string& tag) {
  slotwise::events::StreamSpec spec;
  spec.name = "LIBPIPE" + tag;
  spec.subject_prefix = "libpipe" + tag;
  return spec;
}

Row lib_pipelined(const std::string& url, long n, std::size_t in_flight, const std::string& tag) {
  slotwise::events::StoreOptions o;
  o.connection.url = url;
  o.stream = row_stream(tag);
  o.pipeline.max_in_flight = in_flight;
  // Experiment knob: how many appends in flight still use the low-latency connection.
  if (const char* v =
          std::getenv("BENCH_LOW_LATENCY_IN_FLIGHT")) {  // NOLINT(concurrency-mt-unsafe)
    o.pipeline.low_latency_in_flight = std::stoul(v);
  }
  auto store = slotwise::events::EventStore::open(o);
  if (!store) throw std::runtime_error("open: " + store.error().describe());
  if (auto made = store.value()->provision(); !made) {
    throw std::runtime_error("provision: " + made.error().describe());
  }
  // Bound what is queued so the driver does not build a 200k-entry backlog.
  const long window = static_cast<long>(std::max<std::size_t>(4 * in_flight, 4000));
  // Requests are built before the clock starts, as the raw baseline's
  // payloads are; the window is an atomic counter so that completing an
  // append costs the driver no lock or wake-up.
  std::vector<slotwise::events::AppendRequest> requests;
  requests.reserve(static_cast<std::size_t>(n));
  // As the command side does, and as the raw baseline starts each subject at
  // expected sequence 0: the first commit of an aggregate says "no stream"
  // (no tail lookup needed), later ones "any" (the tail the pipeline cached
  // from the previous acknowledgement).
  for (long i = 0; i < n; ++i) {
    const auto expected = i < kSubjects ? slotwise::events::ExpectedVersion::no_stream()
                                        : slotwise::events::ExpectedVersion::any();
    requests.push_back(make_request(i, expected, tag));
  }
  // The driver refills the window in bursts: it sleeps until half of the
  // window has completed (one wake-up per window/2 appends), as the raw
  // baseline, which publishes from its ack handler, never sleeps at all.
  std::atomic<long> outstanding{0};
  std::atomic<long> failures{0};
  std::mutex mu;
  std::condition_variable refill;
  const long low_water = window / 2;
  const auto t0 = Clock::now();
  for (auto& req : requests) {
    if (outstanding.load(std::memory_order_acquire) >= window) {
      std::unique_lock<std::mutex> lock(mu);
      refill.wait(lock, [&] { return outstanding.load(std::memory_order_acquire) <= low_water; });
    }
    outstanding.fetch_add(1, std::memory_order_acq_rel);
    store.value()->append_async(
        std::move(req), [&](const slotwise::events::Result<slotwise::events::AppendResult>& r) {
          if (!r) failures.fetch_add(1);
          if (outstanding.fetch_sub(1, std::memory_order_acq_rel) - 1 == low_water) {
            const std::lock_guard<std::mutex> lock(mu);
            refill.notify_one();
          }
        });
  }
  store.value()->drain(std::chrono::seconds(120));
  const double secs = since(t0);
  if (failures > 0) {
    throw std::runtime_error("pipelined append: " + std::to_string(failures.load()) + " failures");
  }
  return {"library pipelined append, 1000 aggregates, " + std::to_string(in_flight) + " in flight",
          n, secs, "raw async pipeline, expected-seq + msg-id, 1000 subjects"};
}

Row lib_replay(slotwise::events::EventStore& store) {
  long got = 0;
  long events = 0;
  const auto t0 = Clock::now();
  auto st = store.scan(slotwise::events::ScanRange{},
                       [&](slotwise::events::Result<slotwise::events::StoredCommit>&& c) {
                         if (c) {
                           ++got;
                           events += c->commit.events_size();
                         }
                         return true;
                       });
  if (!st) throw std::runtime_error("replay: " + st.error().describe());
  return {"library replay (scan + decode commits)", got, since(t0),
          "raw pull-consumer fetch (batch 512)"};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// One row per name: the round with the median rate, and the median of the
// per-round ratios to the baseline measured in the same round.
std::vector<Row> median_rows(const std::vector<std::vector<Row>>& rounds) {
  std::vector<Row> out;
  if (rounds.empty()) return out;
  for (std::size_t i = 0; i < rounds.front().size(); ++i) {
    std::vector<const Row*> same;
    std::vector<double> ratios;
    for (const auto& round : rounds) {
      same.push_back(&round[i]);
      for (const auto& b : round) {
        if (b.name == round[i].baseline && b.rate() > 0)
          ratios.push_back(round[i].rate() / b.rate());
      }
    }
    std::sort(same.begin(), same.end(),
              [](const Row* a, const Row* b) { return a->rate() < b->rate(); });
    Row r = *same[same.size() / 2];
    if (!ratios.empty()) r.median_ratio = median(ratios);
    out.push_back(std::move(r));
  }
  return out;
}

long max_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// Formats the results table and writes the JSON file.
void report(const std::vector<Row>& rows, long n, const std::string& json_path) {
  auto rate_of = [&](const std::string& name) {
    for (const auto& r : rows) {
      if (r.name == name) return r.rate();
    }
    return 0.0;
  };
  std::ostringstream table;
  table << std::left << std::setw(64) << "benchmark" << std::right << std::setw(10) << "ops"
        << std::setw(10) << "seconds" << std::setw(12) << "ops/s" << std::setw(8) << "ratio"
        << std::setw(12) << "client us/op" << std::setw(12) << "server us/op" << std::setw(12)
        << "switch/op\n";
  std::ofstream json(json_path);
  json << "{\n  \"n\": " << n << ",\n  \"max_rss_kb\": " << max_rss_kb() << ",\n  \"results\": [\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const double base = r.baseline.empty() ? 0.0 : rate_of(r.baseline);
    const double ratio = r.median_ratio >= 0 ? r.median_ratio : base > 0 ? r.rate() / base : 0.0;
    table << std::left << std::setw(64) << r.name << std::right << std::setw(10) << r.ops
          << std::setw(10) << std::fixed << std::setprecision(3) << r.seconds << std::setw(12)
          << std::setprecision(0) << r.rate() << std::setw(8) << std::setprecision(2);
    if (base > 0) {
      table << ratio;
    } else {
      table << "";
    }
    const double ops = static_cast<double>(std::max(1L, r.ops));
    table << std::setw(12) << std::setprecision(1) << r.client_cpu * 1e6 / ops << std::setw(12)
          << r.server_cpu * 1e6 / ops << std::setw(12) << std::setprecision(2)
          << static_cast<double>(r.client_switches) / ops << "\n";
    json << R"(    {"name": ")" << r.name << R"(", "ops": )" << r.ops << R"(, "seconds": )"
         << r.seconds << R"(, "ops_per_s": )" << r.rate() << R"(, "baseline": ")" << r.baseline
         << R"(", "ratio": )" << ratio << R"(, "client_cpu_s": )" << r.client_cpu
         << R"(, "server_cpu_s": )" << r.server_cpu << "}" << (i + 1 < rows.size() ? "," : "")
         << "\n";
  }
  json << "  ]\n}\n";
  std::cout << table.str() << "max RSS: " << max_rss_kb() << " KiB; JSON written to " << json_path
            << "\n";
}

int run(int argc, char** argv) {
  long n = 200000;
  std::size_t only_in_flight = 0;  // profiling aid: one pipelined row only
  std::string json_path = "event_store_bench.json";
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--n") n = std::stol(argv[i + 1]);
    if (a == "--rounds") rounds = std::max(1, std::stoi(argv[i + 1]));
    if (a == "--json") json_path = argv[i + 1];
    if (a == "--in-flight") only_in_flight = std::stoul(argv[i + 1]);
  }
  const long n_sync = std::max(1000L, n / 20);

  slotwise::testing::NatsServerFixture nats;
  natsConnection* nc = nullptr;
  natsOptions* nopts = nullptr;
  natsOptions_Create(&nopts);
  natsOptions_SetURL(nopts, nats.url().c_str());
  check(natsConnection_Connect(&nc, nopts), "connect");
  natsOptions_Destroy(nopts);
  jsCtx* js = nullptr;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = 1 << 30;
  check(natsConnection_JetStream(&js, nc, &jo), "jetstream");
  add_fresh_stream(js, "RAW", "raw.>");  // sync, plain async and fetch rows

  // A commit of the library is ~190 bytes of payload; use the same for raw.
  const std::string payload(190, 'x');
  std::vector<Row> rows;
  const pid_t server = nats.pid();
  auto measured = [&](auto&& bench) {
    const CpuSample before = cpu_now(server);
    Row r = bench();
    const CpuSample after = cpu_now(server);
    r.client_cpu = after.self - before.self;
    r.server_cpu = after.server - before.server;
    r.client_switches = after.switches - before.switches;
    rows.push_back(std::move(r));
  };
  std::cerr << "running (n=" << n << ")...\n";
  measured([&] { return raw_sync(js, payload, n_sync); });
  measured([&] { return raw_async_plain(js, payload, n); });
  measured([&] { return raw_fetch(js, n); });

  slotwise::events::StoreOptions o;
  o.connection.url = nats.url();
  auto store = slotwise::events::EventStore::open(o);
  if (!store || !store.value()->provision())
    throw std::runtime_error("cannot open the event store");
  measured([&] { return lib_sync(*store.value(), n_sync); });
  // The pipeline comparison is noisy on a shared VM (neighbours come and
  // go within seconds), so it runs in rounds, each measuring the raw
  // pipeline right before the library rows; the table shows each row's
  // median round and the median of the per-round ratios.
  std::vector<std::vector<Row>> per_round;
  std::string replay_tag;
  for (int round = 0; round < rounds; ++round) {
    const std::size_t first = rows.size();
    measured([&] { return raw_pipeline(nc, js, payload, n, round); });
    for (const std::size_t k : {16U, 64U, 256U, 1000U}) {
      if (only_in_flight != 0 && k != only_in_flight) continue;
      const std::string tag = "r" + std::to_string(round) + "p" + std::to_string(k);
      measured([&] { return lib_pipelined(nats.url(), n, k, tag); });
      // The last row's commits stay for the replay row; the others go.
      const bool last = round + 1 == rounds && k == (only_in_flight != 0 ? only_in_flight : 1000U);
      if (last) {
        replay_tag = tag;
      } else {
        delete_stream(js, row_stream(tag).name);
      }
    }
    std::cerr << "round " << round + 1 << ":";
    for (std::size_t i = first; i < rows.size(); ++i) {
      std::cerr << " " << static_cast<long>(rows[i].rate());
    }
    std::cerr << " ops/s\n";
    per_round.emplace_back(rows.begin() + static_cast<std::ptrdiff_t>(first), rows.end());
    rows.resize(first);
  }
  for (Row& r : median_rows(per_round)) rows.push_back(std::move(r));
  slotwise::events::StoreOptions replay_options;
  replay_options.connection.url = nats.url();
  replay_options.stream = row_stream(replay_tag);
  auto replay_store = slotwise::events::EventStore::open(replay_options);
  if (!replay_store) throw std::runtime_error("cannot open the replay stream");
  measured([&] { return lib_replay(*replay_store.value()); });
  replay_store.value().reset();
  report(rows, n, json_path);
  store.value().reset();
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "event_store_bench: " << e.what() << "\n";
    return 1;
  }
}
