// How every ReadStore read runs (read_store.cc, read_store_profiles.cc):
// one statement on a pooled connection, in autocommit, inside
// projections::guarded() so no libpqxx exception escapes.
//
// Every read is a single statement (atomic, one snapshot): a read-only
// transaction around it would cost two more round trips (BEGIN, COMMIT) per
// request, and the connection is read-only anyway (connection_pool.h).
//
// Thread safety: read() leases its own connection; safe from any thread.
// Errors: the pool's (kUnavailable) or guarded()'s (kDatabase, kInternal).
#pragma once

#include <string_view>
#include <type_traits>

#include "projections/pg.h"
#include "query-api/connection_pool.h"

namespace slotwise::query {

using Tx = pqxx::nontransaction;

// f(tx) on a leased connection; its value, or the error that stopped it.
template <class F>
auto read(ConnectionPool& pool, std::string_view what, F&& f)
    -> Result<std::invoke_result_t<F, Tx&>> {
  auto lease = pool.acquire();
  if (!lease) return common::Unexpected<Error>{lease.error()};
  return projections::guarded(what, [&] {
    Tx tx(lease.value().conn());
    return f(tx);
  });
}

}  // namespace slotwise::query
