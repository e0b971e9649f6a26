#include "events/connection.h"

#include <string_view>

#include "events/nats_status.h"

namespace slotwise::events {
namespace {

// nats.c's connect blocks until a server answers when retrying a failed
// connect without a connected callback (natsOptions_SetRetryOnFailedConnect);
// with one it returns NATS_NOT_YET_CONNECTED at once and keeps trying. We
// need only that behaviour: callers poll Connection::connected().
void on_late_connect(natsConnection* /*nc*/, void* /*closure*/) {}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const ConnectionOptions& options) {
  natsOptions* raw_opts = nullptr;
  natsStatus s = natsOptions_Create(&raw_opts);
  OptionsPtr opts(raw_opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts.get(), options.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(opts.get(), options.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts.get(), options.connect_timeout.count());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts.get(), -1);  // forever
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts.get(), options.reconnect_wait.count());
  if (s == NATS_OK) s = natsOptions_SetReconnectJitter(opts.get(), 100, 1000);
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(opts.get(), options.reconnect_buffer_bytes);
  if (s == NATS_OK) s = natsOptions_SetSendAsap(opts.get(), options.send_asap);
  if (s == NATS_OK && options.retry_on_failed_connect) {
    s = natsOptions_SetRetryOnFailedConnect(opts.get(), true, on_late_connect, nullptr);
  }
  if (s != NATS_OK) {
    return common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), "nats options")};
  }

  std::unique_ptr<Connection> conn(new Connection());
  natsConnection* raw_nc = nullptr;
  s = natsConnection_Connect(&raw_nc, opts.get());
  conn->nc_.reset(raw_nc);
  if (s != NATS_OK && !(options.retry_on_failed_connect && s == NATS_NOT_YET_CONNECTED)) {
    return common::Unexpected<Error>{
        from_nats(s, static_cast<jsErrCode>(0), "connect to " + options.url)};
  }

  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 5000;  // default request timeout for JetStream API calls, ms
  // Appends do not use this context's asynchronous publishes: the append
  // pipeline reads its acknowledgements itself (append_pipeline.h).
  jsCtx* raw_js = nullptr;
  s = natsConnection_JetStream(&raw_js, conn->nc_.get(), &jo);
  conn->js_.reset(raw_js);
  if (s != NATS_OK) {
    return common::Unexpected<Error>{from_nats(s, static_cast<jsErrCode>(0), "jetstream context")};
  }
  return conn;
}

Connection::~Connection() {
  // Destroy the JetStream context first (nats.c allows it while a callback
  // runs), then close so no further callbacks are delivered.
  js_.reset();
  if (nc_) natsConnection_Close(nc_.get());
}

bool Connection::connected() const {
  return nc_ && natsConnection_Status(nc_.get()) == NATS_CONN_STATUS_CONNECTED;
}

}  // namespace slotwise::events
