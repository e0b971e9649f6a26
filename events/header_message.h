// make_header_message: a ready-to-publish nats.c message with headers, built
// from a header list in one allocation.
//
// Why: nats.c's public way to add headers (natsMsgHeader_Set) keeps them in a
// hash map of individually allocated keys and values, which are freed again
// on nats.c's garbage-collector thread; with the dozen headers of a commit
// that was about a third of the client CPU of a pipelined append
// (docs/benchmarks.md). nats.c itself builds every *received* message from
// its wire bytes with natsMsg_create(), which keeps the encoded header block
// and parses it only if someone asks for a header. This file encodes the
// block ("NATS/1.0\r\nName: value\r\n...\r\n") and hands it to that function.
//
// natsMsg_create is exported by libnats but not declared in nats.h, so it is
// looked up at run time (dlsym) and checked once by building a message and
// reading it back through the public API; if either fails, the public
// natsMsg_Create + natsMsgHeader_Set path is used instead (same wire bytes,
// only slower). ADR 0012 records this.
//
// Thread safety: thread-safe.
// Errors: kInvalidArgument for a header name or value that would break the
// framing (empty name, ':' or whitespace in a name, CR/LF/NUL in a value);
// kInternal when nats.c cannot allocate.
#pragma once

#include <string_view>
#include <utility>

#include "events/error.h"
#include "events/nats_handles.h"

namespace slotwise::events {

struct Header {
  std::string_view name;
  std::string_view value;  // empty values are left out
};

// `reply`, when not empty, is the subject the server answers to (the
// append pipeline's own acknowledgement inbox).
[[nodiscard]] Result<MsgPtr> make_header_message(std::string_view subject,
                                                 std::initializer_list<Header> headers,
                                                 std::string_view data,
                                                 std::string_view reply = {});

// True when messages are built through nats.c's natsMsg_create (the fast
// path); false when the public-API fallback is in use.
[[nodiscard]] bool header_messages_use_wire_format();

}  // namespace slotwise::events
