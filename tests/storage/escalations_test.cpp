// The escalation tables: open tickets with their SLA clocks, each (ticket, level) recorded
// once with its event and effect in one transaction, and the webhook outbox's retries.
#include <boost/json.hpp>

#include "storage/escalations.h"
#include "store_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

std::unique_ptr<EscalationStore> escalations_of(TicketStore& store) {
  auto opened = open_escalations(store);
  if (!opened) FAIL(opened.error().message);
  return std::move(*opened);
}

Escalation level(std::int64_t ticket_id, const std::string& id, const std::string& action) {
  Escalation e;
  e.ticket_id = ticket_id;
  e.level = id;
  e.sla = "resolution";
  e.percent = 100;
  e.action = action;
  e.at = at_ms(kStartMs + 3'600'000);
  e.threshold_at = at_ms(kStartMs + 3'000'000);
  e.deadline_at = at_ms(kStartMs + 3'000'000);
  return e;
}

std::vector<TicketEvent> events_of(TicketStore& store, std::int64_t id, const std::string& kind) {
  auto events = store.events(id);
  REQUIRE(events);
  std::vector<TicketEvent> out;
  for (auto& e : *events)
    if (e.kind == kind) out.push_back(e);
  return out;
}

boost::json::object data_of(const TicketEvent& event) { return boost::json::parse(event.data_json).as_object(); }

TEST_CASE("open tickets come with their SLA clock and the levels fired for them", "[storage][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = escalations_of(*store);
  const auto open = create_ok(*store, make_ticket("open")).ticket;
  const auto resolved = create_ok(*store, make_ticket("done", "logistics", "resolved")).ticket;
  const auto waiting = create_ok(*store, make_ticket("asked", "logistics", "needs_info")).ticket;
  REQUIRE(esc->record(level(open.id, "overdue", "notify_head")).value().recorded);

  auto page = esc->open_tickets(0, 10);
  REQUIRE(page);
  REQUIRE(page->tickets.size() == 1);
  const SlaTicket& t = page->tickets[0];
  CHECK(t.id == open.id);
  CHECK(t.clock_started_at == at_ms(kStartMs));
  CHECK_FALSE(t.first_response_at);
  CHECK(t.fired == std::vector<std::string>{"overdue"});
  CHECK(page->next_after_id == 0);
  (void)resolved;
  (void)waiting;
}

TEST_CASE("a claim is the first response - and a resolved ticket is no longer open", "[storage][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = escalations_of(*store);
  const auto t = create_ok(*store, make_ticket("claimed")).ticket;
  Claim claim;
  claim.ticket_id = t.id;
  claim.assignee = "olga";
  claim.at = at_ms(kStartMs + 60'000);
  REQUIRE(store->claim(claim));
  auto page = esc->open_tickets(0, 10);
  REQUIRE(page->tickets.size() == 1);
  CHECK(page->tickets[0].assignee == "olga");
  CHECK(page->tickets[0].first_response_at == at_ms(kStartMs + 60'000));

  StatusChange done;
  done.ticket_id = t.id;
  done.status = "resolved";
  done.at = at_ms(kStartMs + 120'000);
  REQUIRE(store->change_status(done));
  CHECK(esc->open_tickets(0, 10)->tickets.empty());
}

TEST_CASE("a ticket released from needs_info starts its SLA clock then - and the release is no response",
          "[storage][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = escalations_of(*store);
  const auto t = create_ok(*store, make_ticket("asked", "logistics", "needs_info")).ticket;
  CHECK(esc->open_tickets(0, 10)->tickets.empty());  // waiting for the customer: no clock

  // The customer's reply supplies the fields, as email_ingest writes it.
  MailWrite reply;
  reply.kind = MailWrite::Kind::append_to_ticket;
  reply.ticket_id = t.id;
  reply.received_at = at_ms(kStartMs + 86'400'000);
  TicketUpdate update;
  update.status = "new";
  update.only_if_status = "needs_info";
  reply.update = update;
  reply.events.push_back({"fields_completed", "{}"});
  auto written = store->write_mail_and_wait(reply);
  REQUIRE(written);
  REQUIRE(written->update_applied);

  auto page = esc->open_tickets(0, 10);
  REQUIRE(page->tickets.size() == 1);
  CHECK(page->tickets[0].clock_started_at == at_ms(kStartMs + 86'400'000));
  CHECK_FALSE(page->tickets[0].first_response_at);
}

TEST_CASE("open tickets are read in pages by id", "[storage][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = escalations_of(*store);
  for (int i = 0; i < 5; ++i) create_ok(*store, make_ticket("t" + std::to_string(i)));
  auto first = esc->open_tickets(0, 3);
  REQUIRE(first->tickets.size() == 3);
  REQUIRE(first->next_after_id == first->tickets.back().id);
  auto second = esc->open_tickets(first->next_after_id, 3);
  CHECK(second->tickets.size() == 2);
  CHECK(second->next_after_id == 0);
}

TEST_CASE("a level is recorded once per ticket - the second time writes nothing", "[storage][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = escalations_of(*store);
  const auto t = create_ok(*store, make_ticket("late")).ticket;
  Escalation e = level(t.id, "overdue", "notify_head");
  OutboxMail mail;
  mail.to_address = "head@shop.example";
  mail.subject = "Overdue: " + t.ref;
  mail.text = "text";
  mail.message_id = "escalation.1@triaged";
  mail.purpose = "escalation";
  e.mail = mail;
  auto first = esc->record(e);
  REQUIRE(first);
  CHECK(first->recorded);
  CHECK(first->outbox_id > 0);
  auto second = esc->record(e);
  REQUIRE(second);
  CHECK_FALSE(second->recorded);
  CHECK(second->outbox_id == 0);

  CHECK(esc->escalations(t.id)->size() == 1);
  const auto events = events_of(*store, t.id, "escalated");
  REQUIRE(events.size() == 1);
  const auto data = data_of(events[0]);
  CHECK(data.at("level").as_string() == "overdue");
  CHECK(data.at("action").as_string() == "notify_head");
  CHECK(data.at("to").as_string() == "head@shop.example");
  auto outbox = store->due_outbox(at_ms(kStartMs + 7'200'000), 10);
  REQUIRE(outbox->size() == 1);
  CHECK((*outbox)[0].mail.purpose == "escalation");
}

TEST_CASE("a reassign level moves the ticket to the department in the same transaction", "[storage][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = escalations_of(*store);
  const auto t = create_ok(*store, make_ticket("stuck")).ticket;
  Escalation e = level(t.id, "move", "reassign");
  e.reassign_to = "support";
  auto done = esc->record(e);
  REQUIRE(done);
  CHECK(done->reassigned);
  CHECK(store->get(t.id).value()->department == "support");
  const auto data = data_of(events_of(*store, t.id, "escalated").at(0));
  CHECK(data.at("from_department").as_string() == "logistics");
  CHECK(data.at("to_department").as_string() == "support");
  CHECK(events_of(*store, t.id, "rerouted").empty());  // not staff's misroute signal
}

TEST_CASE("webhook calls wait in their outbox and are retried until sent", "[storage][sla]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  auto esc = escalations_of(*store);
  const auto t = create_ok(*store, make_ticket("hooked")).ticket;
  Escalation e = level(t.id, "hook", "webhook");
  e.webhook = WebhookCall{"http://127.0.0.1:9/hook", "HOOK_SECRET", R"({"ticket":1})"};
  auto recorded = esc->record(e);
  REQUIRE(recorded->webhook_id > 0);

  auto due = esc->due_webhooks(e.at, 10);
  REQUIRE(due->size() == 1);
  const WebhookItem item = (*due)[0];
  CHECK(item.call.secret_env == "HOOK_SECRET");
  CHECK(item.call.body == R"({"ticket":1})");
  const auto retry_at = e.at + std::chrono::seconds(30);
  REQUIRE(esc->mark_webhook_failed(item.id, "connection refused", retry_at, e.at));
  CHECK(esc->due_webhooks(e.at, 10)->empty());
  REQUIRE(esc->due_webhooks(retry_at, 10)->size() == 1);
  REQUIRE(esc->mark_webhook_sent(item.id, retry_at));
  CHECK(esc->due_webhooks(retry_at + std::chrono::hours(1), 10)->empty());

  const auto all = esc->webhooks(t.id).value();
  REQUIRE(all.size() == 1);
  CHECK(all[0].status == "sent");
  CHECK(all[0].attempts == 1);
  CHECK(events_of(*store, t.id, "webhook_failed").size() == 1);
  CHECK(events_of(*store, t.id, "webhook_sent").size() == 1);
  CHECK_FALSE(esc->mark_webhook_sent(9999, retry_at).has_value());
}

TEST_CASE("the same level on two tickets fires for each", "[storage][sla]") {
  auto store = open_store(options_for(Backing::memory, TempDatabase{}));
  auto esc = escalations_of(*store);
  const auto a = create_ok(*store, make_ticket("a")).ticket;
  const auto b = create_ok(*store, make_ticket("b")).ticket;
  CHECK(esc->record(level(a.id, "overdue", "notify_head"))->recorded);
  CHECK(esc->record(level(b.id, "overdue", "notify_head"))->recorded);
}

}  // namespace
}  // namespace triaged::storage::test
