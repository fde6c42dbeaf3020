#include "http/staff_thread_api.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

#include "common/json_output.h"
#include "common/metrics.h"
#include "http/http_responses.h"
#include "http/metric_labels.h"
#include "http/ticket_action_support.h"
#include "intake/email_ingest.h"
#include "intake/message_ids.h"
#include "intake/staff_reply_mail.h"
#include "mail/message.h"
#include "routing/rule_spec.h"

namespace triaged::daemon {
namespace {

namespace json = boost::json;

// A reply is a letter, not a document; a note a remark for colleagues.
constexpr std::size_t kMaxReplyChars = 20000;
constexpr std::size_t kMaxNoteChars = 5000;
// The channels a deflection may name: where an answer can be shown before a ticket.
constexpr std::array<std::string_view, 4> kDeflectionChannels = {"phone", "web", "chat", "api"};

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// text and actor, as replies and notes share them: `what` names the action in messages.
std::vector<FieldError> read_text_and_actor(const json::object& o, std::string_view what, std::size_t max_text,
                                            std::string& text, std::string& actor) {
  std::vector<FieldError> errors;
  reject_unknown_members(o, {"text", "actor"}, what, errors);
  read_string(o, "text", text, errors);
  read_string(o, "actor", actor, errors);
  if (blank(text)) {
    if (!has_error_for(errors, "text")) errors.push_back({"text", "missing", "write the " + std::string(what) + "'s text"});
  } else if (utf8_chars(text) > max_text) {
    errors.push_back({"text", "too_long", "at most " + std::to_string(max_text) + " characters"});
  }
  if (blank(actor)) {
    if (!has_error_for(errors, "actor")) errors.push_back({"actor", "missing", "say who writes it"});
  } else if (utf8_chars(actor) > kMaxActorChars) {
    errors.push_back({"actor", "too_long", "at most " + std::to_string(kMaxActorChars) + " characters"});
  }
  return errors;
}

// Whom a reply can go to: the requester's address, one a person reads.
std::optional<FieldError> reply_address_problem(const storage::StoredTicket& ticket) {
  const std::string& address = ticket.ticket.requester.email;
  if (address.empty())
    return FieldError{"requester.email", "missing",
                      "the ticket has no requester e-mail address to send a reply to; add a note or call them"};
  if (const std::string why = mail::unread_address_reason(address); !why.empty())
    return FieldError{"requester.email", "automatic",
                      "\"" + address + "\" is a " + why + " address nobody reads; a reply would go nowhere"};
  return std::nullopt;
}

void run_reply(TicketActionRequest& request, const std::string& id_or_ref, const Api::Respond& respond) {
  auto ticket = request.ticket(id_or_ref);
  if (!ticket) return;
  auto parsed = parse_json_object(request.req().body);
  if (!parsed) return request.fail(parsed.error());
  std::string text, actor;
  auto errors = read_text_and_actor(*parsed, "reply", kMaxReplyChars, text, actor);
  if (auto problem = reply_address_problem(*ticket)) errors.push_back(*problem);
  if (!errors.empty()) return request.fail(validation_failed("invalid reply", std::move(errors)));

  const ApiContext& ctx = request.ctx();
  auto thread = ctx.store->messages(ticket->id);
  if (!thread) return respond(store_read_failed(thread.error()));
  const auto rules = ctx.rules();
  const std::string domain = ctx.email ? ctx.email->options().message_id_domain : EmailOptions{}.message_id_domain;
  storage::StaffReply reply;
  reply.ticket_id = ticket->id;
  reply.at = ctx.clock();
  reply.author = actor;
  reply.mail = staff_reply_mail(*ticket, *thread,
                                {text, actor, rules ? rules->spec().languages : std::vector<std::string>{},
                                 new_message_id(domain)});
  auto outcome = ctx.store->add_reply(reply);
  if (!outcome) return request.write_failed(outcome.error(), id_or_ref, "the reply was not sent");
  if (ctx.mail_queued) ctx.mail_queued();
  auto events = ctx.store->events(ticket->id);
  if (!events) return respond(store_read_failed(events.error()));
  json::object body = ticket_to_json(outcome->ticket, &*events);
  body["reply"] = {{"message_row_id", outcome->message_row_id},
                   {"outbox_id", outcome->outbox_id},
                   {"to", reply.mail.to_address},
                   {"message_id", reply.mail.message_id}};
  respond(json_response(201, body));
}

void run_note(TicketActionRequest& request, const std::string& id_or_ref, const Api::Respond& respond) {
  auto ticket = request.ticket(id_or_ref);
  if (!ticket) return;
  auto parsed = parse_json_object(request.req().body);
  if (!parsed) return request.fail(parsed.error());
  storage::NewNote note;
  auto errors = read_text_and_actor(*parsed, "note", kMaxNoteChars, note.text, note.author);
  if (!errors.empty()) return request.fail(validation_failed("invalid note", std::move(errors)));
  note.ticket_id = ticket->id;
  note.at = request.ctx().clock();
  auto stored = request.ctx().store->add_note(note);
  if (!stored) return request.write_failed(stored.error(), id_or_ref, "the note was not stored");
  respond(json_response(201, {{"ticket_id", ticket->id}, {"ref", ticket->ref}, {"note", notes_to_json({*stored}).at(0)}}));
}

std::string answer_ids(const routing::TopicSpec& topic) {
  std::string out;
  for (const auto& a : topic.answers) out += (out.empty() ? "" : ", ") + a.id;
  return out.empty() ? "none" : out;
}

}  // namespace

void post_reply(const Call& call) {
  TicketActionRequest request(call.ctx, call.req, call.respond);
  run_reply(request, call.param, call.respond);
}

void post_note(const Call& call) {
  TicketActionRequest request(call.ctx, call.req, call.respond);
  run_note(request, call.param, call.respond);
}

void post_deflection(const Call& call) {
  const std::string type = media_type(call.req);
  if (!is_json_media_type(type))
    return call.respond(problem_response(unsupported_media_type(type.empty() ? "(none)" : type, "application/json")));
  auto parsed = parse_json_object(call.req.body);
  if (!parsed) return call.respond(problem_response(parsed.error()));
  std::vector<FieldError> errors;
  reject_unknown_members(*parsed, {"topic", "answer", "channel"}, "deflection", errors);
  storage::Deflection d;
  read_string(*parsed, "topic", d.topic, errors);
  read_string(*parsed, "answer", d.answer_id, errors);
  read_string(*parsed, "channel", d.channel, errors);
  if (d.channel.empty() && !has_error_for(errors, "channel")) d.channel = "web";
  const auto rules = call.ctx.rules();
  const routing::TopicSpec* topic = nullptr;
  for (const auto& t : rules->spec().topics)
    if (t.id == d.topic) topic = &t;
  if (d.topic.empty()) {
    if (!has_error_for(errors, "topic")) errors.push_back({"topic", "missing", "name the topic whose answer helped"});
  } else if (topic == nullptr) {
    errors.push_back({"topic", "unknown", "the rules have no topic \"" + d.topic + "\""});
  }
  if (d.answer_id.empty()) {
    if (!has_error_for(errors, "answer")) errors.push_back({"answer", "missing", "name the answer that helped"});
  } else if (topic != nullptr && std::none_of(topic->answers.begin(), topic->answers.end(),
                                              [&](const auto& a) { return a.id == d.answer_id; })) {
    errors.push_back({"answer", "unknown", "topic \"" + d.topic + "\" has no answer \"" + d.answer_id +
                                               "\" (its answers: " + answer_ids(*topic) + ")"});
  }
  if (!d.channel.empty() && std::find(kDeflectionChannels.begin(), kDeflectionChannels.end(), d.channel) == kDeflectionChannels.end())
    errors.push_back({"channel", "invalid", "one of: phone, web, chat, api"});
  if (!errors.empty()) return call.respond(problem_response(validation_failed("invalid deflection", std::move(errors))));
  d.at = call.ctx.clock();
  auto id = call.ctx.store->record_deflection(d);
  if (!id) return call.respond(store_write_failed(id.error(), "the deflection was not recorded"));
  if (call.ctx.metrics) call.ctx.metrics->deflected.inc({d.topic});
  call.respond(json_response(201, {{"id", *id}, {"topic", d.topic}, {"answer", d.answer_id}, {"channel", d.channel},
                                   {"at", format_time(d.at)}}));
}

}  // namespace triaged::daemon
