#include "service/http_server.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <system_error>

#include "service/api_error.h"

namespace slotwise::service {
namespace {

using common::fail;

constexpr const char* kUnmatched = "unmatched";
constexpr std::size_t kMaxLoggedPath = 512;

[[noreturn]] void misuse(const std::string& what) {
  (void)std::fprintf(stderr, "slotwise::service::HttpServer misuse: %s\n", what.c_str());
  std::abort();
}

// strerror() is not thread-safe; this is.
std::string errno_text() { return std::error_code(errno, std::generic_category()).message(); }

// The method as a metrics label: one of a fixed set, so a malformed request
// line cannot add series.
const char* method_label(std::string_view method) {
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == m) return m;
  }
  return "OTHER";
}

std::optional<HttpMethod> parse_method(std::string_view method) {
  // HEAD is answered by the GET route (cpp-httplib drops the body).
  if (method == "GET" || method == "HEAD") return HttpMethod::kGet;
  if (method == "POST") return HttpMethod::kPost;
  if (method == "PUT") return HttpMethod::kPut;
  if (method == "PATCH") return HttpMethod::kPatch;
  if (method == "DELETE") return HttpMethod::kDelete;
  return std::nullopt;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path[0] != '/') return segments;
  path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::string allow_header(const std::vector<HttpMethod>& methods) {
  std::string out;
  const auto add = [&out](const char* m) {
    if (!out.empty()) out += ", ";
    out += m;
  };
  for (const HttpMethod m : {HttpMethod::kGet, HttpMethod::kPost, HttpMethod::kPut,
                             HttpMethod::kPatch, HttpMethod::kDelete}) {
    bool present = false;
    for (const HttpMethod x : methods) present = present || x == m;
    if (!present) continue;
    add(to_string(m));
    if (m == HttpMethod::kGet) add("HEAD");
  }
  add("OPTIONS");
  return out;
}

// The JSON error for a status cpp-httplib chose itself.
ApiError error_for_status(int status) {
  switch (status) {
    case 400:
      return {400, "bad_request", "malformed HTTP request"};
    case 404:
      return {404, error_code::kNotFound, "no such resource"};
    case 413:
      return payload_too_large();
    case 414:
      return {414, "uri_too_long", "request URI is too long"};
    case 416:
      return {416, "range_not_satisfiable", "invalid Range header"};
    default:
      break;
  }
  if (status >= 500) return {status, error_code::kInternal, "internal error"};
  return {status, "http_" + std::to_string(status), "request failed"};
}

void set_traceparent(httplib::Response& res, const TraceContext& trace) {
  res.headers.erase("traceparent");
  res.set_header("traceparent", trace.traceparent());
}

// Keeps the in-flight gauge right whichever way dispatch() leaves.
class InFlight {
 public:
  explicit InFlight(Gauge& g) : g_(g) { g_.add(1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  InFlight(InFlight&&) = delete;
  InFlight& operator=(InFlight&&) = delete;
  ~InFlight() { g_.add(-1); }

 private:
  Gauge& g_;
};

}  // namespace

const char* to_string(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kPut:
      return "PUT";
    case HttpMethod::kPatch:
      return "PATCH";
    case HttpMethod::kDelete:
      return "DELETE";
  }
  return "GET";
}

std::string_view RequestContext::path_param(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  return {};
}

// httplib::Server keeps its listening socket protected; we need it once, to
// raise the listen backlog (see start()).
class HttpServer::Listener : public httplib::Server {
 public:
  [[nodiscard]] int listening_socket() const { return svr_sock_.load(); }
};

HttpServer::HttpServer(HttpServerOptions options, Logger& logger, MetricsRegistry& metrics)
    : options_(std::move(options)),
      logger_(logger),
      metrics_(metrics),
      requests_(metrics.counter_family("slotwise_http_requests_total",
                                       "HTTP requests answered, by method, route pattern and "
                                       "status.",
                                       {"method", "route", "status"})),
      durations_(metrics.histogram_family(
          "slotwise_http_request_duration_seconds",
          "Time from the request being read to the handler returning, in seconds.",
          {"method", "route", "status"})),
      in_flight_(metrics.gauge("slotwise_http_requests_in_flight",
                               "HTTP requests currently being handled.")),
      server_(std::make_unique<Listener>()) {
  server_->set_tcp_nodelay(true);
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second process bind
  // the same port and silently take half the traffic. SO_REUSEADDR alone
  // still allows an immediate restart (e.g. after kill -9) past TIME_WAIT.
  server_->set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  const std::size_t workers = options_.worker_threads == 0 ? 1 : options_.worker_threads;
  // cpp-httplib takes ownership of the queue it gets from this factory.
  server_->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  server_->set_payload_max_length(options_.max_payload_bytes);
  const auto split = [](std::chrono::milliseconds d) {
    return std::pair<time_t, time_t>{static_cast<time_t>(d.count() / 1000),
                                     static_cast<time_t>((d.count() % 1000) * 1000)};
  };
  const auto [read_s, read_us] = split(options_.read_timeout);
  server_->set_read_timeout(read_s, read_us);
  const auto [write_s, write_us] = split(options_.write_timeout);
  server_->set_write_timeout(write_s, write_us);
  server_->set_keep_alive_timeout(static_cast<time_t>(options_.keep_alive_timeout.count()));
  server_->set_keep_alive_max_count(
      options_.keep_alive_max_requests == 0 ? 1 : options_.keep_alive_max_requests);

  // Every path goes to dispatch(), which does the routing itself: that is
  // how it knows the route PATTERN for labels, and 404 from 405. The regex
  // sees at most cpp-httplib's 8 KiB request line; libstdc++'s recursive
  // matcher handles that even under ASan.
  const std::string any = R"([\s\S]*)";
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    dispatch(req, res);
  };
  server_->Get(any, handler);
  server_->Post(any, handler);
  server_->Put(any, handler);
  server_->Patch(any, handler);
  server_->Delete(any, handler);
  server_->Options(any, handler);
  // RFC 9112 §6.3: a request with neither Content-Length nor
  // Transfer-Encoding has a zero-length body. cpp-httplib 0.11 instead reads
  // a POST/PUT/PATCH/DELETE body until the peer closes, so a plain
  // `curl -XPOST …/complete` (no body, connection kept open) waited for the
  // read timeout and got 400. The pre-routing handler runs after the headers
  // and before the body is read: stating Content-Length: 0 there makes
  // cpp-httplib read nothing. Any method: a GET's body is never read anyway.
  //
  // Two more requests cpp-httplib 0.11 would serve at any cost:
  // - a Transfer-Encoding (chunked) body is read whole whatever its size:
  //   the body limit is checked against Content-Length only. Every client
  //   of these APIs knows its body's length, so such a request gets 411
  //   and the connection is closed (its unread body is not a request);
  // - a Range header makes it build a multipart answer of every listed
  //   range in memory (2,000 ranges of a 6 KB header turned a 16 KB reply
  //   into 32 MB). No endpoint serves ranges; RFC 9110 (14.2) lets a server
  //   ignore the header, and the whole representation is sent.
  server_->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    // The Request is not const at its origin: Server::process_request()
    // owns it as a non-const local and routing(Request&) passes it here;
    // only this callback's signature adds const. Nothing else reads it
    // concurrently (one worker thread per request).
    auto& request = const_cast<httplib::Request&>(req);
    if (req.has_header("Transfer-Encoding")) {
      reply_error(res, ApiError{411, "length_required",
                                "send the body with a Content-Length (Transfer-Encoding is not "
                                "accepted)"});
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!req.has_header("Content-Length")) request.set_header("Content-Length", "0");
    request.ranges.clear();
    request.headers.erase("Range");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) { return on_error(req, res); }));
  // Exceptions dispatch() cannot catch (e.g. bad_alloc while recording) end
  // up here; on_error() then writes the JSON body.
  server_->set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {  // NOLINT(bugprone-empty-catch): `what` already says so
        }
        logger_.error("exception outside the request handler",
                      {{"method", req.method}, {"error", what}});
        res.status = 500;
        res.body.clear();
        res.headers.clear();
      });
  add_builtin_routes();
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::add_builtin_routes() {
  get("/healthz",
      [](RequestContext&, httplib::Response& res) { reply_json(res, 200, R"({"status":"ok"})"); });
  get("/readyz", [this](RequestContext&, httplib::Response& res) {
    if (readiness_) {
      auto ready = readiness_();
      if (!ready.ok()) {
        reply_error(res, ApiError{503, error_code::kNotReady, ready.error()});
        return;
      }
    }
    reply_json(res, 200, R"({"status":"ready"})");
  });
  get("/metrics", [this](RequestContext&, httplib::Response& res) {
    res.status = 200;
    res.body = metrics_.render();
    res.set_header("Content-Type", MetricsRegistry::kContentType);
  });
}

void HttpServer::route(HttpMethod method, std::string pattern, Handler handler) {
  if (started_) misuse("route() after start(): " + pattern);
  if (pattern.empty() || pattern[0] != '/') misuse("route pattern must start with '/': " + pattern);
  Route r{method, pattern, {}, std::move(handler)};
  for (const std::string_view seg : split_path(pattern)) {
    const bool is_param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    if (!is_param &&
        (seg.find('{') != std::string_view::npos || seg.find('}') != std::string_view::npos)) {
      misuse("a {param} must be a whole path segment: " + pattern);
    }
    r.segments.push_back(
        Segment{std::string(is_param ? seg.substr(1, seg.size() - 2) : seg), is_param});
  }
  for (const Route& existing : routes_) {
    if (existing.method == method && existing.pattern == pattern) {
      misuse(std::string("route registered twice: ") + to_string(method) + " " + pattern);
    }
  }
  routes_.push_back(std::move(r));
}

HttpServer::PathMatch HttpServer::match(std::string_view method, std::string_view path) const {
  PathMatch result;
  const std::vector<std::string_view> segments = split_path(path);
  if (segments.empty()) return result;
  const std::optional<HttpMethod> wanted = parse_method(method);
  const Route* best_any = nullptr;
  // Is `a` more specific than `b`: the first segment where they differ is a
  // literal in `a`.
  const auto more_specific = [](const Route& a, const Route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
  };
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i) {
      const Segment& s = r.segments[i];
      ok = s.is_param ? !segments[i].empty() : s.text == segments[i];
    }
    if (!ok) continue;
    result.allowed.push_back(r.method);
    if (best_any == nullptr || more_specific(r, *best_any)) best_any = &r;
    if (wanted && r.method == *wanted &&
        (result.best_for_method == nullptr || more_specific(r, *result.best_for_method))) {
      result.best_for_method = &r;
    }
  }
  if (best_any != nullptr) result.pattern = best_any->pattern;
  return result;
}

void HttpServer::dispatch(const httplib::Request& req, httplib::Response& res) {
  const auto started = std::chrono::steady_clock::now();
  const InFlight in_flight(in_flight_);
  RequestContext ctx(req, continue_or_start_trace(req.get_header_value("traceparent")), logger_);
  std::string route_label = kUnmatched;
  try {
    PathMatch m = match(req.method, req.path);
    if (m.best_for_method != nullptr) {
      const Route& r = *m.best_for_method;
      route_label = r.pattern;
      ctx.route_ = r.pattern;
      const std::vector<std::string_view> segments = split_path(req.path);
      for (std::size_t i = 0; i < r.segments.size(); ++i) {
        if (r.segments[i].is_param) ctx.params_.emplace_back(r.segments[i].text, segments[i]);
      }
      r.handler(ctx, res);
    } else if (m.allowed.empty()) {
      reply_error(res, ApiError{404, error_code::kNotFound, "no such resource"});
    } else if (req.method == "OPTIONS") {
      route_label = m.pattern;
      res.status = 204;
      res.set_header("Allow", allow_header(m.allowed));
    } else {
      route_label = m.pattern;
      reply_error(res, ApiError{405, error_code::kMethodNotAllowed,
                                "method " + req.method + " is not allowed here"});
      res.set_header("Allow", allow_header(m.allowed));
    }
  } catch (...) {
    // Any exception is a bug or an unexpected library failure: answer 500
    // with the trace id (so the log line can be found) and keep serving.
    std::string what = "unknown exception";
    try {
      throw;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {  // NOLINT(bugprone-empty-catch): `what` already says so
    }
    logger_.error("request handler threw",
                  {{"trace_id", ctx.trace().trace_id}, {"route", route_label}, {"error", what}});
    const std::string version = res.version;
    res = httplib::Response();
    res.version = version;
    reply_error(res, ApiError{500, error_code::kInternal,
                              "internal error (trace " + ctx.trace().trace_id + ")"});
  }
  if (res.status == -1) res.status = 200;  // cpp-httplib's default, made explicit for labels
  set_traceparent(res, ctx.trace());
  record(req, res.status, route_label, ctx.trace(), std::chrono::steady_clock::now() - started);
}

httplib::Server::HandlerResponse HttpServer::on_error(const httplib::Request& req,
                                                      httplib::Response& res) {
  // dispatch() sets traceparent on everything it answers; those responses
  // are already complete, counted and logged.
  if (res.has_header("traceparent")) return httplib::Server::HandlerResponse::Unhandled;
  const TraceContext trace = continue_or_start_trace(req.get_header_value("traceparent"));
  if (res.body.empty()) reply_error(res, error_for_status(res.status));
  set_traceparent(res, trace);
  const PathMatch m = match(req.method, req.path);
  record(req, res.status, m.pattern.empty() ? std::string(kUnmatched) : m.pattern, trace,
         std::nullopt);
  return httplib::Server::HandlerResponse::Handled;
}

void HttpServer::record(const httplib::Request& req, int status, const std::string& route,
                        const TraceContext& trace,
                        std::optional<std::chrono::steady_clock::duration> elapsed) {
  const std::string status_text = std::to_string(status);
  const char* method = method_label(req.method);
  requests_.with({method, route, status_text}).inc();
  if (elapsed) {
    durations_.with({method, route, status_text})
        .observe(std::chrono::duration<double>(*elapsed).count());
  }
  const LogLevel level = status >= 500 ? LogLevel::kError : LogLevel::kInfo;
  if (!logger_.enabled(level)) return;
  const std::string_view path = std::string_view{req.path}.substr(0, kMaxLoggedPath);
  const std::int64_t duration_us =
      elapsed ? std::chrono::duration_cast<std::chrono::microseconds>(*elapsed).count() : -1;
  logger_.log(level, "http request",
              {{"trace_id", trace.trace_id},
               {"method", method},
               {"path", path},
               {"route", route},
               {"status", status},
               {"duration_us", duration_us},
               {"bytes_in", req.body.size()},
               {"remote_addr", req.remote_addr}});
}

common::Result<int, std::string> HttpServer::start() {
  if (started_.exchange(true)) return fail(std::string("HttpServer::start() called twice"));
  int port = options_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.host);
    if (port < 0) {
      return fail("cannot bind " + options_.host + " to a free port: " + errno_text());
    }
  } else if (!server_->bind_to_port(options_.host, port)) {
    return fail("cannot bind " + options_.host + ":" + std::to_string(port) + ": " + errno_text());
  }
  // cpp-httplib listens with a compiled-in backlog of 5: a burst of new
  // connections (64 clients at once) overflows it, and dropped SYNs are only
  // retried after a second. listen() again on the bound socket raises it.
  if (::listen(server_->listening_socket(), options_.listen_backlog) != 0) {
    logger_.warn("cannot raise the listen backlog", {{"error", errno_text()}});
  }
  port_ = port;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
  logger_.info("http server listening",
               {{"host", options_.host}, {"port", port}, {"workers", options_.worker_threads}});
  return port;
}

void HttpServer::stop() {
  const std::lock_guard<std::mutex> lock(stop_mu_);
  if (!thread_.joinable()) return;
  // httplib's stop() does nothing until its accept loop runs; wait for it
  // (or for it to have failed and returned).
  while (!listen_returned_ && !server_->is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
  thread_.join();
  logger_.info("http server stopped", {{"port", port_}});
}

}  // namespace slotwise::service
