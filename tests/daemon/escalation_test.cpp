// The escalation scheduler against a real store and rule set, with a fake clock walked across
// 80%, 100% and 150% of a ticket's SLA: each level is recorded once, as an event with its
// mail, webhook call or reassignment, and a second scan at the same time fires nothing new.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>

#include "jobs/escalation_scheduler.h"
#include "common/metrics.h"
#include "rules/rules.h"
#include "storage/escalations.h"
#include "storage/ticket_store.h"
#include "jobs/webhook_sender.h"
#include "webhook_receiver.h"

namespace {

using namespace std::chrono;
using namespace triaged;
using daemon::EscalationScheduler;

// Every second counts (no calendar), so the thresholds are easy to read: resolution 10h,
// first response 1h.
constexpr const char* kRules = R"(version: 1
name: "Escalations"
departments:
  logistics: { title: "Logistics", head: "head.logistics@shop.example" }
  support: { title: "Support" }
topics:
  - id: delivery
    department: logistics
    sla: 10h
    first_response: 1h
    when: { text: { words: [courier] } }
  - id: other
    default: true
    department: support
escalations:
  - { id: nudge-head, of: first_response, at: 50%, action: notify_head }
  - { id: remind, at: 80%, action: notify_assignee }
  - { id: overdue, at: 100%, action: notify_head }
  - { id: page-ops, at: 100%, action: webhook, url: "http://127.0.0.1:9/hook", secret_env: TEST_HOOK_SECRET }
  - { id: move, at: 150%, action: reassign, to: support }
)";

const auto kT0 = system_clock::time_point{} + hours{24 * 20000};

struct Harness {
  Harness() {
    auto loaded = rules::load_rules_text(kRules, "escalations.yaml");
    if (!loaded) FAIL(loaded.error().front().to_string());
    rules = loaded->rules;
    storage::StoreOptions options;
    options.path = ":memory:";
    auto opened = storage::TicketStore::open(options);
    REQUIRE(opened);
    store = std::move(*opened);
    auto tables = storage::open_escalations(*store);
    REQUIRE(tables);
    escalations = std::move(*tables);
    EscalationScheduler::Hooks hooks;
    hooks.rules = [this] { return rules; };
    hooks.clock = [this] { return now; };
    hooks.metrics = &metrics;
    hooks.mail_queued = [this] { ++mail_pokes; };
    hooks.webhook_queued = [this] { ++webhook_pokes; };
    scheduler = std::make_unique<EscalationScheduler>(*escalations, hooks, daemon::EscalationOptions{});
  }

  std::int64_t create(const std::string& subject) {
    storage::NewTicket t;
    t.ticket.subject = subject;
    t.ticket.channel = "web";
    t.topic = "delivery";
    t.department = "logistics";
    t.received_at = kT0;
    t.due_at = kT0 + hours{10};
    t.rules_version = rules->version();
    t.decision_json = "{}";
    auto created = store->create_and_wait(t);
    REQUIRE(created);
    return created->ticket.id;
  }

  std::vector<std::string> escalated(std::int64_t id) {
    std::vector<std::string> out;
    const auto recorded = escalations->escalations(id).value();  // a local: range-for would dangle
    for (const auto& e : recorded) out.push_back(e.level);
    return out;
  }

  boost::json::object event(std::int64_t id, const std::string& level) {
    const auto events = store->events(id).value();
    for (const auto& e : events) {
      if (e.kind != "escalated") continue;
      auto data = boost::json::parse(e.data_json).as_object();
      if (data.at("level").as_string() == level) return data;
    }
    FAIL("no escalated event for " << level);
    return {};
  }

  std::shared_ptr<const routing::RuleSet> rules;
  std::unique_ptr<storage::TicketStore> store;
  std::unique_ptr<storage::EscalationStore> escalations;
  daemon::Metrics metrics;
  system_clock::time_point now = kT0;
  int mail_pokes = 0;
  int webhook_pokes = 0;
  std::unique_ptr<EscalationScheduler> scheduler;
};

using Levels = std::vector<std::string>;

}  // namespace

TEST_CASE("walking the clock across 80 - 100 and 150 percent fires each level once", "[daemon][sla]") {
  Harness h;
  const auto id = h.create("courier never came");
  storage::Claim claim;
  claim.ticket_id = id;
  claim.assignee = "olga@shop.example";
  claim.at = kT0 + minutes{10};  // a first response: the first_response level never fires
  REQUIRE(h.store->claim(claim));

  h.now = kT0 + hours{7} + minutes{59};
  CHECK(h.scheduler->scan().recorded == 0);

  h.now = kT0 + hours{8};
  CHECK(h.scheduler->scan().recorded == 1);
  CHECK(h.escalated(id) == Levels{"remind"});
  CHECK(h.event(id, "remind").at("to").as_string() == "olga@shop.example");

  h.now = kT0 + hours{10};
  CHECK(h.scheduler->scan().recorded == 2);
  CHECK(h.escalated(id) == Levels{"remind", "overdue", "page-ops"});
  CHECK(h.event(id, "overdue").at("to").as_string() == "head.logistics@shop.example");

  h.now = kT0 + hours{15};
  CHECK(h.scheduler->scan().recorded == 1);
  CHECK(h.escalated(id) == Levels{"remind", "overdue", "page-ops", "move"});
  CHECK(h.store->get(id).value()->department == "support");

  // Nothing is sent twice: the same instant, and much later.
  CHECK(h.scheduler->scan().recorded == 0);
  h.now = kT0 + hours{100};
  CHECK(h.scheduler->scan().recorded == 0);

  auto mail = h.store->due_outbox(h.now, 10).value();
  REQUIRE(mail.size() == 2);
  CHECK(mail[0].mail.to_address == "olga@shop.example");
  CHECK(mail[0].mail.purpose == "escalation");
  CHECK(mail[0].mail.subject.find("80% of the resolution time used") != std::string::npos);
  CHECK(mail[1].mail.to_address == "head.logistics@shop.example");
  CHECK(mail[1].mail.subject.find("Overdue (resolution)") != std::string::npos);
  auto hooks = h.escalations->webhooks(id).value();
  REQUIRE(hooks.size() == 1);
  CHECK(hooks[0].call.url == "http://127.0.0.1:9/hook");
  CHECK(hooks[0].call.secret_env == "TEST_HOOK_SECRET");
  const auto body = boost::json::parse(hooks[0].call.body).as_object();
  CHECK(body.at("level").as_string() == "page-ops");
  CHECK(body.at("percent").as_int64() == 100);
  CHECK(body.at("ticket").at("id").as_int64() == id);
  CHECK(body.at("ticket").at("assignee").as_string() == "olga@shop.example");
  CHECK(h.mail_pokes == 2);
  CHECK(h.webhook_pokes == 1);
  const std::string metrics = h.metrics.render();
  CHECK(metrics.find("triaged_escalations_total{level=\"overdue\",action=\"notify_head\"} 1") != std::string::npos);
  CHECK(metrics.find("triaged_escalations_total{level=\"move\",action=\"reassign\"} 1") != std::string::npos);
}

TEST_CASE("an unclaimed ticket escalates on its first-response SLA and notes whom it could not mail",
          "[daemon][sla]") {
  Harness h;
  const auto id = h.create("courier lost my parcel");
  h.now = kT0 + minutes{30};
  CHECK(h.scheduler->scan().recorded == 1);
  CHECK(h.escalated(id) == Levels{"nudge-head"});
  h.now = kT0 + hours{8};
  CHECK(h.scheduler->scan().recorded == 1);
  const auto remind = h.event(id, "remind");
  CHECK(remind.at("note").as_string() == "nobody has claimed the ticket");
  CHECK_FALSE(remind.contains("outbox_id"));
  CHECK(h.store->due_outbox(h.now, 10).value().size() == 1);  // only the head's
}

TEST_CASE("a resolved ticket no longer escalates", "[daemon][sla]") {
  Harness h;
  const auto id = h.create("courier");
  storage::StatusChange done;
  done.ticket_id = id;
  done.status = "resolved";
  done.at = kT0 + minutes{5};
  REQUIRE(h.store->change_status(done));
  h.now = kT0 + hours{100};
  CHECK(h.scheduler->scan().tickets == 0);
  CHECK(h.escalated(id).empty());
}

TEST_CASE("the webhook signature is the HMAC-SHA256 of the body in hex", "[daemon][sla]") {
  // RFC 4231, test case 2.
  CHECK(daemon::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a webhook without its secret in the environment is not sent and is retried later", "[daemon][sla]") {
  Harness h;
  const auto id = h.create("courier");
  h.now = kT0 + hours{10};
  h.scheduler->scan();
  ::unsetenv("TEST_HOOK_SECRET");
  daemon::WebhookOptions options;
  daemon::WebhookSender sender(*h.escalations, options);
  // The call was queued at the fake clock's time, long before the sender's real now.
  sender.deliver_due();
  auto hooks = h.escalations->webhooks(id).value();
  REQUIRE(hooks.size() == 1);
  CHECK(hooks[0].status == "pending");
  CHECK(hooks[0].attempts == 1);
  CHECK(hooks[0].last_error == "no signing secret: the environment variable TEST_HOOK_SECRET is not set");
  CHECK(hooks[0].next_attempt_at > system_clock::now() + seconds{20});
}

TEST_CASE("a webhook answered 500 is retried and then marked sent with its signature", "[daemon][sla]") {
  e2e::WebhookReceiver receiver(1);
  Harness h;
  const auto id = h.create("courier");
  storage::Escalation e;
  e.ticket_id = id;
  e.level = "page-ops";
  e.sla = "resolution";
  e.action = "webhook";
  e.at = e.threshold_at = e.deadline_at = kT0;
  e.webhook = storage::WebhookCall{receiver.url("/hook"), "TEST_HOOK_SECRET", R"({"ticket":1})"};
  REQUIRE(h.escalations->record(e)->webhook_id > 0);
  ::setenv("TEST_HOOK_SECRET", "k", 1);
  daemon::WebhookOptions options;
  options.retry_base = seconds{0};  // due again at once
  daemon::WebhookSender sender(*h.escalations, options);

  sender.deliver_due();
  auto hooks = h.escalations->webhooks(id).value();
  CHECK(hooks.at(0).status == "pending");
  CHECK(hooks.at(0).last_error == "HTTP 500");
  sender.deliver_due();
  hooks = h.escalations->webhooks(id).value();
  CHECK(hooks.at(0).status == "sent");
  CHECK(hooks.at(0).attempts == 1);
  const auto received = receiver.wait_for(2, seconds{5});
  CHECK(received.at(1).body == R"({"ticket":1})");
  CHECK(received.at(1).content_type == "application/json");
  CHECK(received.at(1).signature == "sha256=" + daemon::hmac_sha256_hex("k", R"({"ticket":1})"));
  ::unsetenv("TEST_HOOK_SECRET");
}
