// Rebuilding an aggregate's state from its commits with the domain's own
// evolve() (domain/fold.h semantics), and rendering it as JSON: what
// `slotwise inspect` shows. Categories with a decider: account, email,
// business, slug, calendar. payment has none yet: its state is reported as
// not modelled (the events are still shown).
//
// Thread safety: pure functions.
// Errors: a message when an event of the aggregate's own types does not
// parse (naming type and sequence); events of unknown types are skipped,
// as the domain's replay does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "events/append_request.h"

namespace slotwise::tools {

// JSON of the state after `commits` (in order), or nullopt for a category
// without a decider.
[[nodiscard]] common::Result<std::optional<std::string>, std::string> rebuild_state_json(
    const std::string& category, const std::vector<events::StoredCommit>& commits);

}  // namespace slotwise::tools
