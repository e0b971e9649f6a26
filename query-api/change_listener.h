// ChangeListener: the thread that keeps the query API's in-memory copies of
// read-model rows exact (ChangeSinks: the AvailabilityCache, OwnerSessions).
// It opens its own PostgreSQL connection, LISTENs on the projector's change channel
// (projections/change_notice.h), reads the projection checkpoint once
// LISTEN is active (every later commit will be announced, every earlier one
// is visible to later reads) and then applies each notice to every sink in
// arrival order, which is commit order.
//
// A lost connection makes the sinks unusable at once (requests read the
// database) until the listener has reconnected, re-listened and invalidated
// everything; it retries every `retry` while stopped is not requested. A
// liveness query every `probe` detects a connection that died silently.
//
// Thread safety: start() and stop() from one owning thread; the sinks are
// thread-safe. Errors: none surface; connection failures are logged as
// warnings and retried, malformed notices logged and ignored.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include <vector>

#include "query-api/change_sink.h"
#include "service/log.h"
#include "service/stop_flag.h"

namespace slotwise::query {

struct ChangeListenerOptions {
  std::chrono::milliseconds retry{500};
  std::chrono::milliseconds probe{5000};
};

class ChangeListener {
 public:
  // The sinks and `logger` must outlive the listener.
  ChangeListener(std::string pg_url, std::string projection, std::vector<ChangeSink*> sinks,
                 service::Logger& logger, ChangeListenerOptions options = {});
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;
  ~ChangeListener() { stop(); }

  void start();
  void stop();

 private:
  void run();
  // One connection's lifetime; returns when it breaks or stop is requested.
  void listen_once();

  const std::string pg_url_;
  const std::string projection_;
  const std::vector<ChangeSink*> sinks_;
  service::Logger& logger_;
  const ChangeListenerOptions options_;
  service::StopFlag stop_;
  std::thread thread_;
};

}  // namespace slotwise::query
