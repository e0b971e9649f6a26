#include "notifier/outbox_retention.h"

#include <string>

namespace slotwise::notifier {

projections::Result<std::uint64_t> prune_outbox(pqxx::connection& conn,
                                                std::chrono::milliseconds retention, int chunk) {
  return projections::guarded("prune outbox", [&]() -> std::uint64_t {
    std::uint64_t deleted = 0;
    const std::string age = std::to_string(retention.count()) + " milliseconds";
    for (;;) {
      pqxx::work tx(conn);
      const pqxx::result r = tx.exec_params(
          "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications"
          " WHERE status IN ('sent', 'failed', 'cancelled') AND due_at < now() - $1::interval"
          " LIMIT $2)",
          age, chunk);
      tx.commit();
      deleted += static_cast<std::uint64_t>(r.affected_rows());
      if (r.affected_rows() < static_cast<pqxx::result::size_type>(chunk)) return deleted;
    }
  });
}

}  // namespace slotwise::notifier
