// A booking-history entry's `detail` as the query API shows it
// (GET /v1/bookings/{id}, schemas/openapi.yaml BookingView): the event's
// fields in the API's own conventions, so a client reads a detail as it
// reads the booking around it.
//
// The projector stores each detail in protobuf's JSON mapping (what the CLI
// and analytics consumers get too). That mapping differs from the rest of
// the API in ways a client trips over: 64-bit integers are strings
// ("amount_minor": "4500" beside the booking's 4500), enum values carry
// their type's prefix ("ACTOR_KIND_CUSTOMER" beside the actor's
// "customer"), and zero values are left out (an amount due of 0 is
// {"currency": "GBP"}). Rendering at read time, from the stored detail and
// the event type's schema, gives every stored row the API's shape (rows
// projected before this existed included) and costs the projector nothing.
//
// The API's shape: every field of the event in field-number order, zero
// values included (0, "", false, []); 64-bit integers as numbers (amounts
// and positions are far below 2^53); enum values by their name without the
// type's prefix, lower case ("customer", "payment_provider", "deposit"), a
// value without a name as its number; times (google.protobuf.Timestamp) as
// RFC 3339 in UTC; an unset nested message null. Field names stay the
// .proto names the stored detail has.
//
// Never shown: the fields projections/history_fields.h lists (the
// projector does not store them either), and for the customer
// (BookingReader::customer) a failed refund's failure_reason (views.h says
// why).
//
// Thread safety: pure function over the generated descriptor pool.
// Errors: none. A detail whose event type this build does not know, or that
// does not parse as that type, is passed on as stored (less what the
// customer may not see): a history is never refused for one odd row.
#pragma once

#include <string>
#include <string_view>

#include "query-api/views.h"
#include "service/json_write.h"

namespace slotwise::query {

// Writes the detail of a history row of `event_type` (the event message's
// name, e.g. "BookingConfirmed") whose stored text is `stored` as one JSON
// value.
void write_history_detail(service::JsonWriter& w, std::string_view event_type,
                          const std::string& stored, BookingReader reader);

}  // namespace slotwise::query
