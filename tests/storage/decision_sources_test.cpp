// The deciding source of each ticket's first decision, the staff reroutes per source and the
// learned model's opinions, as coverage and the management stats both count them.
#include "storage/stats.h"

#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

// A ticket whose stored decision came from `source`; `model` is the decision's model member
// ("" for none), e.g. {"decided":false,"agrees":false}.
NewTicket decided_by(const std::string& subject, const std::string& source, const std::string& model,
                     std::int64_t ms = kStartMs) {
  NewTicket t = make_ticket(subject, "logistics", "new", "delivery");
  t.received_at = at_ms(ms);
  t.decision_json = R"({"topic":"delivery","source":")" + source + "\"" +
                    (model.empty() ? std::string() : ",\"model\":" + model) + "}";
  return t;
}

void reroute_to_refund(TicketStore& store, std::int64_t id) {
  Reroute r;
  r.ticket_id = id;
  r.topic = "refund";
  r.department = "billing";
  r.reason = "wrong queue";
  r.actor = "olga";
  r.at = at_ms(kStartMs + 60'000);
  REQUIRE(store.reroute(r));
}

constexpr const char* kAgrees = R"({"topic":"delivery","decided":false,"agrees":true})";
constexpr const char* kDisagrees = R"({"topic":"refund","decided":false,"agrees":false})";
constexpr const char* kDecided = R"({"topic":"delivery","decided":true,"agrees":false})";

// Ten tickets: rules 5 (2 rerouted; 3 with a model opinion, 1 disagreeing), model 2 (1
// rerouted), operator 1, default 1 (rerouted, the model disagreeing), and one stored with a
// decision that is not JSON. One more before the period, which must not count.
void store_mixed_decisions(TicketStore& store) {
  create_ok(store, decided_by("old", "rules", kDisagrees, kStartMs - 1));
  const auto r1 = create_ok(store, decided_by("r1", "rules", "")).ticket.id;
  const auto r2 = create_ok(store, decided_by("r2", "rules", kAgrees)).ticket.id;
  create_ok(store, decided_by("r3", "rules", kAgrees));
  create_ok(store, decided_by("r4", "rules", kDisagrees));
  create_ok(store, decided_by("r5", "rules", ""));
  const auto m1 = create_ok(store, decided_by("m1", "model", kDecided)).ticket.id;
  create_ok(store, decided_by("m2", "model", kDecided));
  create_ok(store, decided_by("o1", "operator", ""));
  const auto d1 = create_ok(store, decided_by("d1", "default", kDisagrees)).ticket.id;
  NewTicket broken = make_ticket("x", "logistics", "new", "delivery");
  broken.received_at = at_ms(kStartMs);
  broken.decision_json = "not json";
  create_ok(store, broken);
  for (auto id : {r1, r2, m1, d1}) reroute_to_refund(store, id);
}

void check_mixed_decisions(const DecisionSources& d) {
  CHECK(d.tickets == 10);
  REQUIRE(d.sources.size() == 5);
  CHECK(d.sources[0].source == "rules");
  CHECK(d.sources[1].source == "model");
  CHECK(d.sources[2].source == "operator");
  CHECK(d.sources[3].source == "default");
  CHECK(d.sources[4].source == "");
  CHECK(d.of("rules").tickets == 5);
  CHECK(d.of("rules").rerouted == 2);
  CHECK(d.of("model").tickets == 2);
  CHECK(d.of("model").rerouted == 1);
  CHECK(d.of("operator").tickets == 1);
  CHECK(d.of("operator").rerouted == 0);
  CHECK(d.of("default").tickets == 1);
  CHECK(d.of("default").rerouted == 1);
  CHECK(d.of("").tickets == 1);
  CHECK(d.of("nonsense").tickets == 0);
  // Opinions: r2 r3 r4 m1 m2 d1. Disagreeing: r4 m1 m2 d1 (the model decided against the rules
  // in m1 and m2).
  CHECK(d.model_opinions == 6);
  CHECK(d.model_disagreed == 4);
  CHECK(d.model_decided == 2);
}

}  // namespace

TEST_CASE("coverage counts reroutes per deciding source and the model's disagreements", "[storage]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  store_mixed_decisions(*store);
  auto coverage = store->coverage(at_ms(kStartMs));
  REQUIRE(coverage);
  CHECK(coverage->tickets == 10);
  check_mixed_decisions(coverage->decisions);
}

TEST_CASE("stats count reroutes per deciding source and the model's disagreements in the period",
          "[storage][stats]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  store_mixed_decisions(*store);
  auto stats = read_stats(file.path(), {at_ms(kStartMs), at_ms(kStartMs + 1), at_ms(kStartMs + 1)});
  INFO((stats ? std::string() : stats.error().message));
  REQUIRE(stats);
  check_mixed_decisions(stats->decisions);
}

TEST_CASE("decision sources of an empty period list the four sources at zero", "[storage][stats]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  auto stats = read_stats(file.path(), {at_ms(kStartMs), at_ms(kStartMs + 1), at_ms(kStartMs + 1)});
  REQUIRE(stats);
  REQUIRE(stats->decisions.sources.size() == 4);
  CHECK(stats->decisions.sources[1].source == "model");
  CHECK(stats->decisions.sources[1].tickets == 0);
  CHECK(stats->decisions.model_opinions == 0);
}

}  // namespace triaged::storage::test
