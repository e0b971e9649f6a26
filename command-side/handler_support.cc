#include "command-side/handler_support.h"

#include <openssl/rand.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>

#include "auth/owner_session.h"
#include "command-side/error_mapping.h"
#include "domain/proto_values.h"
#include "domain/time_zone.h"
#include "service/rfc3339.h"

namespace slotwise::command {
namespace {

// How old a cached account may be for the token check: the account watch
// (command_server.h) marks it stale as soon as another process changes the
// password; this bounds the staleness only while the watch cannot follow
// the log, as the business snapshot's 10 s do.
constexpr auto kAccountMaxAge = std::chrono::seconds(10);

auth::SessionState session_state(const auth::JwtClaims& claims,
                                 const domain::AccountState& account) {
  return auth::session_state(claims, account.session_generation, account.password_changed_at);
}

}  // namespace

service::ApiResult<std::string> authenticate(CommandContext& ctx, const CommandRequest& request) {
  constexpr std::string_view kBearer = "Bearer ";
  const service::ApiError unauthorized{401, "unauthorized",
                                       "a valid owner token is required (Authorization: Bearer)"};
  std::string_view header = request.authorization;
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return common::fail(unauthorized);
  }
  auto claims = ctx.jwt().verify(header.substr(kBearer.size()), ctx.now());
  if (!claims) {
    ctx.logger().info("token refused", {{"trace_id", request.trace_id},
                                        {"reason", auth::to_string(claims.error().code)}});
    return common::fail(unauthorized);
  }
  if (claims->subject.rfind("usr_", 0) != 0) return common::fail(unauthorized);
  // A password change ends the sessions before it: a token of an earlier
  // session generation (or, without one, issued at or before the change)
  // no longer authorises anything (auth/owner_session.h). The account is
  // almost always cached, so this costs no read of the log.
  auto account = ctx.accounts().load_recent(claims->subject, kAccountMaxAge);
  if (!account) return common::fail(to_api_error(account.error()));
  auto state = session_state(*claims, account->first);
  if (state == auth::SessionState::ahead) {
    // Issued after a change this process has not seen yet (another process
    // made it, the watch has not told us): the log decides. Only a genuine
    // token gets here, and at most once per change.
    account = ctx.accounts().load(claims->subject);
    if (!account) return common::fail(to_api_error(account.error()));
    state = session_state(*claims, account->first);
  }
  if (state != auth::SessionState::current) {
    ctx.logger().info("token refused", {{"trace_id", request.trace_id},
                                        {"reason", "issued before the password change"}});
    return common::fail(unauthorized);
  }
  return std::move(claims->subject);
}

std::string new_commit_id() {
  std::array<unsigned char, 16> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    // No CSPRNG output. Commit ids need uniqueness, not secrecy, but
    // across the whole stream: the duplicate check (Nats-Msg-Id) is
    // stream-wide, so an id repeated on another aggregate would be taken
    // for that commit. Wall clock (ns), process id and a counter.
    static std::atomic<std::uint32_t> counter{0};
    const auto ns =
        static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    const auto pid = static_cast<std::uint32_t>(getpid());
    const std::uint32_t n = counter.fetch_add(1);
    for (std::size_t i = 0; i < 8; ++i) random[i] = static_cast<unsigned char>(ns >> (i * 8));
    for (std::size_t i = 0; i < 4; ++i) {
      random[8 + i] = static_cast<unsigned char>(pid >> (i * 8));
      random[12 + i] = static_cast<unsigned char>(n >> (i * 8));
    }
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (const unsigned char b : random) {
    out += kHex[b >> 4U];
    out += kHex[b & 0xFU];
  }
  return out;
}

events::CommitMetadata commit_metadata(const CommandContext& ctx, const CommandRequest& request,
                                       const domain::Actor& actor) {
  events::CommitMetadata meta;
  meta.source = ctx.source();
  meta.correlation_id = request.trace_id;
  meta.traceparent = request.traceparent;
  meta.actor = domain::to_proto(actor);
  return meta;
}

std::string format_in_zone(domain::Instant t, std::string_view zone) {
  if (zone.empty()) return service::format_rfc3339(t);
  auto tz = domain::TimeZone::locate(zone);
  if (!tz) return service::format_rfc3339(t);
  const domain::LocalReading r = tz->reading(t);
  const auto local = date::local_seconds(r.date) + r.time_of_day;
  const auto offset = std::chrono::duration_cast<std::chrono::minutes>(local.time_since_epoch() -
                                                                       t.time_since_epoch());
  return service::format_rfc3339(t, offset);
}

CommandReply json_reply(int status, const std::function<void(JsonWriter&)>& write,
                        std::optional<std::uint64_t> position) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write(w);
  if (position) {
    service::json_string(w, "position");
    w.Uint64(*position);
  }
  w.EndObject();
  return CommandReply{status, std::string(buffer.GetString(), buffer.GetSize()), position,
                      std::nullopt};
}

service::ApiResult<rapidjson::Document> parse_object(const CommandRequest& request) {
  auto doc = service::parse_json(request.body);
  if (!doc) return common::fail(doc.error());
  if (!doc->IsObject()) {
    return common::fail(service::invalid_request("the body must be a JSON object"));
  }
  return std::move(*doc);
}

service::ApiResult<std::string> id_param(const CommandRequest& request, std::string_view name,
                                         auth::IdKind kind) {
  const std::string_view value = request.param(name);
  if (!auth::is_valid_id(value, kind)) {
    std::string what = auth::id_prefix(kind);
    what.pop_back();
    return common::fail(service::ApiError{
        404, "not_found",
        "no such id '" + std::string(value.substr(0, 64)) + "' (expected a " + what + "_ id)"});
  }
  return std::string(value);
}

}  // namespace slotwise::command
