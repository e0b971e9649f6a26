// Rendering commits as JSON (tools/commit_json.h), without a server: every
// event type of schemas/slotwise/events/v1 resolves from its Any through the
// generated pool, and an unknown type is marked instead of failing.
#include "tools/commit_json.h"

#include <doctest/doctest.h>
#include <google/protobuf/descriptor.h>

#include "events/event_codec.h"
#include "slotwise/events/v1/commit.pb.h"

using slotwise::tools::commit_json;
using slotwise::tools::event_types_linked;

TEST_CASE("every event type of the schemas renders from its Any") {
  REQUIRE(event_types_linked());
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int rendered = 0;
  for (const char* file :
       {"slotwise/events/v1/account.proto", "slotwise/events/v1/business.proto",
        "slotwise/events/v1/calendar.proto", "slotwise/events/v1/payment.proto"}) {
    const auto* fd = pool->FindFileByName(file);
    REQUIRE(fd != nullptr);
    for (int i = 0; i < fd->message_type_count(); ++i) {
      const std::string type = fd->message_type(i)->full_name();
      CAPTURE(type);
      slotwise::events::v1::Commit c;
      c.set_commit_id("c1");
      auto* any = c.add_events()->mutable_payload();
      any->set_type_url(slotwise::events::type_url_for(type));
      const std::string json = commit_json(c);
      CHECK(json.find(R"("@type":"type.googleapis.com/)" + type + "\"") != std::string::npos);
      CHECK(json.find("@error") == std::string::npos);
      ++rendered;
    }
  }
  CHECK(rendered >= 25);
}

TEST_CASE("an unknown event type is marked, the rest of the commit still renders") {
  slotwise::events::v1::Commit c;
  c.set_commit_id("c2");
  auto* any = c.add_events()->mutable_payload();
  any->set_type_url("type.googleapis.com/x.y.FutureEvent");
  any->set_value(std::string("\x08\x01", 2));  // bytes this build cannot interpret
  const std::string json = commit_json(c);
  INFO(json);
  CHECK(json.find(R"("commitId":"c2")") != std::string::npos);
  CHECK(json.find(R"("@type":"type.googleapis.com/x.y.FutureEvent","@error":)") !=
        std::string::npos);
}
