// The command side appends to the stream its `stream` setting names
// (SLOTWISE_STREAM), the one the projector, notifier and CLI then read.
#include <doctest/doctest.h>

#include "events/stream_spec.h"
#include "tests/command-side/command_fixture.h"

namespace slotwise::testing {

TEST_CASE("the command side provisions and appends to the stream named by its setting") {
  CommandFixture f([](command::CommandConfig& c) { c.stream = "SLOTWISE_ALT"; });
  f.signup("stream-setting@example.com");

  events::StreamSpec alt;
  alt.name = "SLOTWISE_ALT";
  auto state = events::stream_state(f.reader->js(), alt);
  REQUIRE_MESSAGE(state.ok(), state.error().describe());
  CHECK(state.value().last_sequence > 0);
  // Nothing went to the default stream: it was never created.
  CHECK_FALSE(events::stream_state(f.reader->js(), events::StreamSpec{}).ok());
}

}  // namespace slotwise::testing
