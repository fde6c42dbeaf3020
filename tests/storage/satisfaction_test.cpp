// The satisfaction survey's storage on both backends (storage/satisfaction.h): asked once, at
// the first resolve that carries a survey, with its mail under the daily cap; a rating taken,
// changed and refused once the window closed; every ask and rating an event.
#include <algorithm>

#include "mail_test_support.h"

namespace triaged::storage::test {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;
constexpr std::int64_t kDayMs = 86'400'000;

SurveyRequest survey(const std::string& message_id, int daily_cap = 0, bool with_mail = true) {
  SurveyRequest s;
  s.closes_at = at_ms(kStartMs + 7 * kDayMs);
  if (!with_mail) return s;
  OutboxMail mail;
  mail.to_address = "anna@example.com";
  mail.subject = "[#{ref}] How did we do?";
  mail.text = "Rate {ref}: {good_link} {bad_link}";
  mail.message_id = message_id;
  mail.purpose = "satisfaction";
  mail.daily_cap = daily_cap;
  s.mail = std::move(mail);
  return s;
}

TicketActionOutcome change(TicketStore& store, std::int64_t id, const std::string& status, std::int64_t at,
                           std::optional<SurveyRequest> ask = std::nullopt) {
  StatusChange c;
  c.ticket_id = id;
  c.status = status;
  c.actor = "olga";
  c.at = at_ms(at);
  c.survey = std::move(ask);
  auto done = store.change_status(c);
  if (!done) FAIL("change_status failed: " << done.error().message);
  return std::move(*done);
}

std::string outbox_count(const TempDatabase& file) {
  RawConnection raw(file.path());
  return raw.query("SELECT count(*) FROM outbox WHERE purpose = 'satisfaction'");
}

long count_of(const std::vector<std::string>& kinds, const std::string& kind) {
  return std::count(kinds.begin(), kinds.end(), kind);
}

RatingOutcome rate_ok(TicketStore& store, std::int64_t id, const std::string& rating, std::int64_t at,
                      const std::string& comment = "") {
  auto done = store.rate({id, rating, comment, at_ms(at)});
  if (!done) FAIL("rate failed: " << done.error().message);
  return std::move(*done);
}

}  // namespace

TEST_CASE("the first resolve asks the survey once and queues its mail with the ref", "[storage][satisfaction]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;
  change(*store, ticket.id, "resolved", kStartMs + 1000, survey("survey-1@triaged.test"));
  change(*store, ticket.id, "in_progress", kStartMs + 2000);
  change(*store, ticket.id, "resolved", kStartMs + 3000, survey("survey-2@triaged.test"));

  CHECK(outbox_count(file) == "1");
  const auto kinds = event_kinds(*store, ticket.id);
  CHECK(count_of(kinds, "satisfaction_asked") == 1);
  CHECK(count_of(kinds, "auto_reply_queued") == 1);
  auto state = store->satisfaction(ticket.id);
  REQUIRE(state);
  REQUIRE(*state);
  CHECK((*state)->asked_at == at_ms(kStartMs + 1000));
  CHECK((*state)->closes_at == at_ms(kStartMs + 7 * kDayMs));
  CHECK((*state)->department == "logistics");
  CHECK((*state)->topic == "delivery");
  CHECK((*state)->agent == "olga");  // unclaimed: whoever resolved it
  CHECK((*state)->mailed);
  CHECK((*state)->rating.empty());
  auto due = store->due_outbox(at_ms(kStartMs + 10'000), 10);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].mail.subject == "[#" + ticket.ref + "] How did we do?");
  CHECK((*due)[0].mail.text == "Rate " + ticket.ref + ": {good_link} {bad_link}");
  auto threaded = store->find_ticket_by_message_ids({"survey-1@triaged.test"});
  REQUIRE(threaded);
  CHECK(*threaded == std::optional<std::int64_t>(ticket.id));
}

TEST_CASE("a survey counts for the assignee and a status other than resolved asks nothing", "[storage][satisfaction]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;
  Claim c;
  c.ticket_id = ticket.id;
  c.assignee = "ivan";
  c.at = at_ms(kStartMs + 500);
  REQUIRE(store->claim(c));
  change(*store, ticket.id, "closed", kStartMs + 1000, survey("survey-1@triaged.test"));
  auto none = store->satisfaction(ticket.id);
  REQUIRE(none);
  CHECK_FALSE(*none);
  change(*store, ticket.id, "resolved", kStartMs + 2000, survey("survey-2@triaged.test"));
  auto state = store->satisfaction(ticket.id);
  REQUIRE(state);
  REQUIRE(*state);
  CHECK((*state)->agent == "ivan");
}

TEST_CASE("a survey over the daily cap is suppressed but the rating is still asked on the page", "[storage][satisfaction]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  NewTicket earlier = make_ticket("earlier");
  OutboxMail ack;
  ack.to_address = "anna@example.com";
  ack.subject = "[#{ref}] received";
  ack.message_id = "ack-1@triaged.test";
  ack.purpose = "acknowledgement";
  earlier.acknowledgement = ack;
  create_ok(*store, std::move(earlier));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;
  change(*store, ticket.id, "resolved", kStartMs + 1000, survey("survey-1@triaged.test", /*daily_cap=*/1));

  CHECK(outbox_count(file) == "0");
  const auto kinds = event_kinds(*store, ticket.id);
  CHECK(count_of(kinds, "auto_reply_suppressed") == 1);
  CHECK(count_of(kinds, "satisfaction_asked") == 1);
  auto state = store->satisfaction(ticket.id);
  REQUIRE(state);
  REQUIRE(*state);
  CHECK_FALSE((*state)->mailed);
}

TEST_CASE("a survey without a mail is asked on the page only", "[storage][satisfaction]") {
  TempDatabase file;
  auto store = open_store(options_for(Backing::file, file));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;
  change(*store, ticket.id, "resolved", kStartMs + 1000, survey("", 0, /*with_mail=*/false));
  CHECK(outbox_count(file) == "0");
  auto state = store->satisfaction(ticket.id);
  REQUIRE(state);
  REQUIRE(*state);
  CHECK_FALSE((*state)->mailed);
  CHECK(rate_ok(*store, ticket.id, "good", kStartMs + 2000).kind == RatingOutcome::Kind::recorded);
}

TEST_CASE("a rating is recorded and changed and refused once its window closed", "[storage][satisfaction]") {
  const Backing backing = GENERATE(Backing::memory, Backing::file);
  INFO("backing: " << to_string(backing));
  TempDatabase file;
  auto store = open_store(options_for(backing, file));
  const StoredTicket ticket = create_ok(*store, make_ticket("late courier")).ticket;
  CHECK(rate_ok(*store, ticket.id, "good", kStartMs).kind == RatingOutcome::Kind::not_asked);
  change(*store, ticket.id, "resolved", kStartMs + 1000, survey("survey-1@triaged.test"));

  auto good = rate_ok(*store, ticket.id, "good", kStartMs + 2000);
  CHECK(good.kind == RatingOutcome::Kind::recorded);
  REQUIRE(good.state);
  CHECK(good.state->rating == "good");
  CHECK(rate_ok(*store, ticket.id, "good", kStartMs + 3000).kind == RatingOutcome::Kind::unchanged);
  auto bad = rate_ok(*store, ticket.id, "bad", kStartMs + 4000, "Rude <script>alert(1)</script>");
  CHECK(bad.kind == RatingOutcome::Kind::recorded);
  auto closed = rate_ok(*store, ticket.id, "good", kStartMs + 7 * kDayMs);
  CHECK(closed.kind == RatingOutcome::Kind::closed);

  auto state = store->satisfaction(ticket.id);
  REQUIRE(state);
  REQUIRE(*state);
  CHECK((*state)->rating == "bad");
  CHECK((*state)->comment == "Rude <script>alert(1)</script>");
  CHECK((*state)->rated_at == std::optional<Clock::time_point>(at_ms(kStartMs + 4000)));
  CHECK(count_of(event_kinds(*store, ticket.id), "satisfaction_rated") == 2);

  auto wrong = store->rate({ticket.id, "meh", "", at_ms(kStartMs + 5000)});
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == StoreError::Code::bad_request);
}

}  // namespace triaged::storage::test
