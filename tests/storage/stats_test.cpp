// The management figures: counted per department and per agent from the tickets and their
// events, over the tickets created in the period asked for.
#include "storage/stats.h"

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000;  // every test ticket is created here
constexpr std::int64_t kMinute = 60'000;

NewTicket ticket_in(const std::string& subject, const std::string& department, std::optional<std::int64_t> due_ms,
                    bool at_default = false) {
  NewTicket t = make_ticket(subject, department);
  if (due_ms) t.due_at = at_ms(*due_ms);
  t.decision_json = at_default ? R"({"topic":"other","source":"default"})" : R"({"topic":"delivery","source":"rules"})";
  return t;
}

void claim(TicketStore& store, std::int64_t id, const std::string& who, std::int64_t at) {
  Claim c;
  c.ticket_id = id;
  c.assignee = who;
  c.at = at_ms(at);
  REQUIRE(store.claim(c));
}

void set_status(TicketStore& store, std::int64_t id, const std::string& status, std::int64_t at,
                const std::string& actor = "olga") {
  StatusChange c;
  c.ticket_id = id;
  c.status = status;
  c.actor = actor;
  c.at = at_ms(at);
  REQUIRE(store.change_status(c));
}

const GroupStats& named(const std::vector<GroupStats>& groups, const std::string& name) {
  for (const auto& g : groups)
    if (g.name == name) return g;
  FAIL("no group " << name);
  throw;
}

}  // namespace

TEST_CASE("quantile interpolates between closest ranks and is empty for no values", "[storage][stats]") {
  std::vector<double> none;
  CHECK_FALSE(quantile(none, 0.5).has_value());
  std::vector<double> one{7};
  CHECK(*quantile(one, 0.9) == 7);
  std::vector<double> values{40, 10, 30, 20};
  CHECK(*quantile(values, 0.5) == Approx(25));
  CHECK(*quantile(values, 0.9) == Approx(37));
  CHECK(*quantile(values, 0) == 10);
  CHECK(*quantile(values, 1) == 40);
}

TEST_CASE("stats count statuses overdue first action resolution reroutes and default topic per group",
          "[storage][stats]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  // logistics: four tickets; billing: one.
  const auto a = create_ok(*store, ticket_in("a", "logistics", kStart + 60 * kMinute)).ticket.id;
  const auto b = create_ok(*store, ticket_in("b", "logistics", kStart + 60 * kMinute)).ticket.id;
  const auto c = create_ok(*store, ticket_in("c", "logistics", kStart + 600 * kMinute)).ticket.id;
  create_ok(*store, ticket_in("d", "logistics", std::nullopt, true));
  const auto e = create_ok(*store, ticket_in("e", "billing", kStart + 30 * kMinute)).ticket.id;

  claim(*store, a, "olga", kStart + 10 * kMinute);         // first action after 10 min
  set_status(*store, a, "resolved", kStart + 50 * kMinute);  // resolved after 50 min
  claim(*store, b, "ivan", kStart + 30 * kMinute);         // first action after 30 min, stays open
  set_status(*store, c, "waiting", kStart + 20 * kMinute);   // a person's status change is an action
  Reroute move;
  move.ticket_id = e;
  move.topic = "delivery";
  move.department = "logistics";
  move.reason = "wrong queue";
  move.at = at_ms(kStart + 5 * kMinute);
  REQUIRE(store->reroute(move));

  StatsQuery query{at_ms(kStart - kMinute), at_ms(kStart + kMinute), at_ms(kStart + 120 * kMinute)};
  auto stats = read_stats(file.path(), query);
  REQUIRE(stats);
  CHECK(stats->all.tickets == 5);
  REQUIRE(stats->departments.size() == 1);  // e moved to logistics
  const GroupStats& logistics = named(stats->departments, "logistics");
  CHECK(logistics.tickets == 5);
  CHECK(logistics.by_status.at("resolved") == 1);
  CHECK(logistics.by_status.at("in_progress") == 1);
  CHECK(logistics.by_status.at("waiting") == 1);
  CHECK(logistics.by_status.at("new") == 2);
  // Open and past due at +120 min: b (due +60) and e (due +30); a is resolved, c is due later,
  // d has no due time.
  CHECK(logistics.overdue == 2);
  // First actions at 10, 30, 20 and 5 minutes (the reroute of e).
  CHECK(logistics.first_action.count == 4);
  CHECK(*logistics.first_action.median == Approx(15 * 60));
  CHECK(*logistics.first_action.p90 == Approx(27 * 60));
  CHECK(logistics.resolution.count == 1);
  CHECK(*logistics.resolution.median == Approx(50 * 60));
  CHECK(logistics.rerouted == 1);
  CHECK(logistics.default_topic == 1);

  REQUIRE(stats->agents.size() == 2);
  const GroupStats& olga = named(stats->agents, "olga");
  CHECK(olga.tickets == 1);
  CHECK(olga.by_status.at("resolved") == 1);
  CHECK(*olga.resolution.median == Approx(50 * 60));
  CHECK(named(stats->agents, "ivan").overdue == 1);
}

TEST_CASE("stats leave out tickets created outside the period", "[storage][stats]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  create_ok(*store, ticket_in("a", "logistics", std::nullopt));
  auto before = read_stats(file.path(), {at_ms(kStart - 2 * kMinute), at_ms(kStart - kMinute), at_ms(kStart)});
  REQUIRE(before);
  CHECK(before->all.tickets == 0);
  CHECK(before->departments.empty());
  CHECK_FALSE(before->all.first_action.median.has_value());
  // The period is half-open: a ticket created at `until` belongs to the next one.
  auto at_end = read_stats(file.path(), {at_ms(kStart - kMinute), at_ms(kStart), at_ms(kStart)});
  REQUIRE(at_end);
  CHECK(at_end->all.tickets == 0);
}

TEST_CASE("stats of a database that does not exist fail without creating it", "[storage][stats]") {
  TempDatabase file;
  auto stats = read_stats(file.path() + ".missing", {at_ms(0), at_ms(kStart), at_ms(kStart)});
  CHECK_FALSE(stats.has_value());
  CHECK_FALSE(std::filesystem::exists(file.path() + ".missing"));
}

}  // namespace triaged::storage::test

namespace triaged::storage::test {
namespace {

const CsatFigures& csat_named(const std::vector<CsatFigures>& groups, const std::string& name) {
  for (const auto& g : groups)
    if (g.name == name) return g;
  FAIL("no CSAT group " << name);
  throw;
}

void resolve_asking(TicketStore& store, std::int64_t id, std::int64_t at) {
  StatusChange c;
  c.ticket_id = id;
  c.status = "resolved";
  c.actor = "olga";
  c.at = at_ms(at);
  c.survey = SurveyRequest{at_ms(at + 7 * 24 * 60 * kMinute), std::nullopt};
  REQUIRE(store.change_status(c));
}

}  // namespace

TEST_CASE("stats count CSAT per department topic and agent with deflections beside the topics", "[storage][stats]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  const auto a = create_ok(*store, ticket_in("a", "logistics", std::nullopt)).ticket.id;
  const auto b = create_ok(*store, ticket_in("b", "logistics", std::nullopt)).ticket.id;
  const auto c = create_ok(*store, make_ticket("c", "billing", "new", "refund")).ticket.id;
  const auto unrated = create_ok(*store, ticket_in("d", "logistics", std::nullopt)).ticket.id;
  claim(*store, a, "ivan", kStart + kMinute);
  for (auto id : {a, b, c, unrated}) resolve_asking(*store, id, kStart + 10 * kMinute);
  REQUIRE(store->rate({a, "good", "", at_ms(kStart + 20 * kMinute)}));
  REQUIRE(store->rate({b, "good", "", at_ms(kStart + 20 * kMinute)}));
  REQUIRE(store->rate({b, "bad", "changed my mind", at_ms(kStart + 21 * kMinute)}));
  REQUIRE(store->rate({c, "good", "", at_ms(kStart + 20 * kMinute)}));
  REQUIRE(store->record_deflection({at_ms(kStart + kMinute), "refund", "how-long", "web"}));

  auto stats = read_stats(file.path(), {at_ms(kStart), at_ms(kStart + 60 * kMinute), at_ms(kStart + 60 * kMinute)});
  REQUIRE(stats);
  const CsatStats& csat = stats->csat;
  CHECK(csat.all.asked == 4);
  CHECK(csat.all.good == 2);
  CHECK(csat.all.bad == 1);
  REQUIRE(csat.all.share_good);
  CHECK(*csat.all.share_good == Approx(2.0 / 3.0));
  const auto& logistics = csat_named(csat.departments, "logistics");
  CHECK(logistics.asked == 3);
  CHECK(logistics.good == 1);
  CHECK(logistics.bad == 1);
  const auto& refund = csat_named(csat.topics, "refund");
  CHECK(refund.good == 1);
  CHECK(refund.deflected == 1);
  CHECK(csat_named(csat.agents, "ivan").good == 1);   // held it when resolved
  CHECK(csat_named(csat.agents, "olga").asked == 3);  // resolved the unclaimed ones

  auto later = read_stats(file.path(), {at_ms(kStart + 60 * kMinute), at_ms(kStart + 120 * kMinute), at_ms(kStart)});
  REQUIRE(later);
  CHECK(later->csat.all.asked == 0);
  CHECK_FALSE(later->csat.all.share_good);
}

}  // namespace triaged::storage::test
