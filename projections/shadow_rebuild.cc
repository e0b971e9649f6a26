#include "projections/shadow_rebuild.h"

#include <optional>

#include "projections/change_notice.h"
#include "projections/migrations.h"

namespace slotwise::projections {
namespace {

using Clock = std::chrono::steady_clock;

std::string set_lock_timeout(std::chrono::milliseconds ms) {
  return "SET LOCAL lock_timeout = '" + std::to_string(ms.count()) + "ms'";
}

// GRANT statements re-creating the privileges others hold on `old_table`
// for `new_table` (the owner's own privileges come with ownership).
std::vector<std::string> copied_grants(pqxx::work& tx, const std::string& old_table,
                                       const std::string& new_table) {
  std::vector<std::string> out;
  const pqxx::result r = tx.exec_params(
      "SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
      " ELSE quote_ident(pg_get_userbyid(a.grantee)) END"
      " FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a"
      " WHERE c.oid = $1::regclass AND a.grantee <> c.relowner",
      old_table);
  for (const auto& row : r) {
    out.push_back("GRANT " + row[0].as<std::string>() + " ON " + new_table + " TO " +
                  row[1].as<std::string>());
  }
  return out;
}

}  // namespace

ShadowRebuild::ShadowRebuild(const ProjectionInfo& projection,
                             std::unique_ptr<pqxx::connection> control,
                             std::unique_ptr<pqxx::connection> shadow)
    : projection_(projection),
      schema_(shadow_schema(projection.name)),
      retired_("slotwise_retired_" + projection.name),
      control_(std::move(control)),
      shadow_(std::move(shadow)),
      applier_(projection.name) {}

Result<std::unique_ptr<ShadowRebuild>> ShadowRebuild::start(const std::string& pg_url,
                                                            const ProjectionInfo& projection) {
  auto control = guarded("connect", [&] { return std::make_unique<pqxx::connection>(pg_url); });
  if (!control) return common::Unexpected<Error>{control.error()};
  if (auto m = apply_migrations(*control.value(), embedded_migrations()); !m) {
    return common::Unexpected<Error>{m.error()};
  }
  if (auto l = take_rebuild_lock(*control.value(), projection); !l) {
    return common::Unexpected<Error>{l.error()};
  }
  const std::string schema = shadow_schema(projection.name);
  auto created = guarded("create shadow schema", [&]() -> common::Unit {
    pqxx::work tx(*control.value());
    tx.exec0("DROP SCHEMA IF EXISTS " + tx.quote_name(schema) + " CASCADE");
    tx.exec0("DROP SCHEMA IF EXISTS " + tx.quote_name("slotwise_retired_" + projection.name) +
             " CASCADE");
    tx.exec0("CREATE SCHEMA " + tx.quote_name(schema));
    tx.exec_params0(
        "INSERT INTO public.projection_checkpoints (projection) VALUES ($1) ON CONFLICT DO "
        "NOTHING",
        projection.name);
    tx.commit();
    return common::Unit{};
  });
  if (!created) return common::Unexpected<Error>{created.error()};
  // The replay connection sees only the shadow schema; a crash loses at most
  // an abandoned shadow (the swap commits synchronously, flushing it all).
  auto shadow = guarded("connect shadow", [&] {
    auto c = std::make_unique<pqxx::connection>(pg_url);
    pqxx::nontransaction tx(*c);
    tx.exec0("SET search_path = " + tx.quote_name(schema));
    tx.exec0("SET synchronous_commit = off");
    return c;
  });
  if (!shadow) return common::Unexpected<Error>{shadow.error()};
  std::unique_ptr<ShadowRebuild> r(
      new ShadowRebuild(projection, std::move(control).value(), std::move(shadow).value()));
  if (auto m = apply_migrations(*r->shadow_, embedded_migrations()); !m) {
    return common::Unexpected<Error>{m.error()};
  }
  if (auto p = r->applier_.prepare(*r->shadow_); !p) return common::Unexpected<Error>{p.error()};
  if (auto p = r->applier_.resume(*r->shadow_); !p) return common::Unexpected<Error>{p.error()};
  r->applier_.set_defer_aggregates(true);
  return r;
}

ShadowRebuild::~ShadowRebuild() {
  if (!swapped_) drop_schemas();
}

void ShadowRebuild::drop_schemas() {
  (void)guarded("drop shadow schema", [&]() -> common::Unit {
    pqxx::work tx(*control_);
    tx.exec0("DROP SCHEMA IF EXISTS " + tx.quote_name(schema_) + " CASCADE");
    tx.exec0("DROP SCHEMA IF EXISTS " + tx.quote_name(retired_) + " CASCADE");
    tx.commit();
    return common::Unit{};
  });
}

Status ShadowRebuild::end_bulk() {
  applier_.set_defer_aggregates(false);
  return BatchApplier::recompute_aggregates(*shadow_);
}

Result<BatchOutcome> ShadowRebuild::apply(const std::vector<events::Delivery>& batch) {
  auto out = applier_.apply(*shadow_, batch);
  if (out) position_ = out.value().checkpoint.position;
  return out;
}

Result<double> ShadowRebuild::exchange_tables(pqxx::work& tx, const SwapOptions& options) {
  return guarded("swap tables", [&]() -> double {
    const auto t0 = Clock::now();
    tx.exec0(set_lock_timeout(options.lock_timeout));
    const std::string shadow = tx.quote_name(schema_);
    const std::string retired = tx.quote_name(retired_);
    tx.exec0("CREATE SCHEMA " + retired);
    for (const std::string& t : projection_.tables) {
      const std::string name = tx.quote_name(t);
      tx.exec0("LOCK TABLE public." + name + " IN ACCESS EXCLUSIVE MODE");
      tx.exec0(
          std::string("ALTER TABLE public.").append(name).append(" SET SCHEMA ").append(retired));
      tx.exec0(std::string("ALTER TABLE ")
                   .append(shadow)
                   .append(".")
                   .append(name)
                   .append(" SET SCHEMA public"));
      for (const std::string& g : copied_grants(tx, retired_ + "." + t, "public." + name)) {
        tx.exec0(g);
      }
    }
    for (const std::string& t : per_projection_tables()) {
      const std::string name = tx.quote_name(t);
      tx.exec_params0("DELETE FROM public." + name + " WHERE projection = $1", projection_.name);
      std::string insert = "INSERT INTO public." + name;
      insert.append(" SELECT * FROM ").append(shadow).append(".").append(name);
      insert.append(" WHERE projection = $1");
      tx.exec_params0(insert, projection_.name);
    }
    tx.exec_params0(
        "UPDATE public.projection_checkpoints p SET position = s.position,"
        " position_time = s.position_time, applied_commits = s.applied_commits,"
        " unknown_events = s.unknown_events, dead_letters = s.dead_letters"
        " FROM " +
            shadow + ".projection_checkpoints s WHERE p.projection = $1 AND s.projection = $1",
        projection_.name);
    const pqxx::row swapped =
        tx.exec_params1("SELECT position FROM public.projection_checkpoints WHERE projection = $1",
                        projection_.name);
    notify(tx, {encode_everything_changed(projection_.name, swapped[0].as<std::uint64_t>())});
    tx.commit();
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  });
}

Result<SwapOutcome> ShadowRebuild::swap_in(const CatchUp& catch_up, const SwapOptions& options) {
  SwapOutcome out;
  for (out.attempts = 1;; ++out.attempts) {
    std::optional<pqxx::work> tx;
    auto frozen = guarded("freeze projector", [&]() -> std::uint64_t {
      pqxx::work& w = tx.emplace(*control_);
      w.exec0(set_lock_timeout(options.freeze_timeout));
      const pqxx::result r = w.exec_params(
          "SELECT position FROM public.projection_checkpoints WHERE projection = $1 FOR UPDATE",
          projection_.name);
      return r.empty() ? 0 : r[0][0].as<std::uint64_t>();
    });
    if (!frozen) return common::Unexpected<Error>{frozen.error()};
    out.live_position = frozen.value();
    if (auto c = catch_up(out.live_position); !c) return common::Unexpected<Error>{c.error()};
    if (position_ < out.live_position) {
      return make_error(ErrorCode::kInternal, "the shadow did not catch up with the live position");
    }
    auto swapped = exchange_tables(*tx, options);
    if (swapped) {
      out.swap_ms = swapped.value();
      out.position = position_;
      swapped_ = true;
      tx.reset();
      shadow_.reset();
      drop_schemas();
      return out;
    }
    tx.reset();  // rolls back: the live tables are untouched
    const bool lock_timeout = swapped.error().message.find("[55P03]") != std::string::npos;
    if (!lock_timeout || out.attempts >= options.attempts) {
      return common::Unexpected<Error>{swapped.error()};
    }
  }
}

}  // namespace slotwise::projections
