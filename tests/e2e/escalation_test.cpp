// SLA escalation in the real binary: a rule set with a one-second SLA, a ticket created over
// HTTP, and the next scheduler scan mails the department head through a local SMTP sink and
// POSTs a signed webhook to a local HTTP receiver this test starts. The signature is checked
// here with OpenSSL, independently of the daemon's code.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>

#include "daemon_process.h"
#include "http_client.h"
#include "smtp_sink.h"
#include "webhook_receiver.h"

namespace triaged::e2e {
namespace {

std::string hmac_hex(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

std::string rules(const std::string& hook_url) {
  return R"(version: 1
name: "Escalations e2e"
departments:
  logistics: { title: "Logistics", head: "head.logistics@shop.example" }
  support: { title: "Support" }
topics:
  - id: delivery
    department: logistics
    sla: 1s
    when: { text: { words: [courier] } }
  - id: other
    default: true
    department: support
escalations:
  - { id: overdue, at: 100%, action: notify_head }
  - { id: page-ops, at: 100%, action: webhook, url: ")" +
         hook_url + R"(", secret_env: E2E_HOOK_SECRET }
)";
}

TEST_CASE("an overdue ticket mails the head and posts a signed webhook once", "[e2e][sla]") {
  TempDir dir;
  WebhookReceiver receiver;
  SmtpSink smtp;
  ::setenv("E2E_HOOK_SECRET", "e2e-secret", 1);  // inherited by the daemon, never in the rules
  // Scans every second (the default is 10 s), so the test waits seconds, not tens of them.
  DaemonProcess daemon(dir, dir.write("rules.yaml", rules(receiver.url("/hooks/triaged"))),
                       {"--smtp-url", smtp.url(), "--config",
                        dir.write("triaged.yaml", "escalation: {scan_interval_seconds: 1}\n")});
  Reply created = http_post_json(daemon.port(), "/api/v1/tickets",
                                 R"({"subject": "The courier is late", "body": "Nobody came",
                                     "requester": {"name": "Ivan", "email": "ivan@example.com"}})");
  REQUIRE(created.status == 201);
  const auto ticket = json_of(created);
  const std::string ref(ticket.at("ref").as_string());

  // The first scan after the SLA passed fires.
  const auto hooks = receiver.wait_for(1, std::chrono::seconds(30));
  const ReceivedRequest& hook = hooks.at(0);
  CHECK(hook.method == "POST");
  CHECK(hook.target == "/hooks/triaged");
  CHECK(hook.content_type == "application/json");
  CHECK(hook.signature == "sha256=" + hmac_hex("e2e-secret", hook.body));
  const auto body = boost::json::parse(hook.body).as_object();
  CHECK(body.at("event").as_string() == "escalation");
  CHECK(body.at("level").as_string() == "page-ops");
  CHECK(body.at("ticket").at("ref").as_string() == ref);
  CHECK(body.at("ticket").at("department").as_string() == "logistics");

  const auto mail = smtp.wait_for(1, std::chrono::seconds(15));
  CHECK(mail.at(0).rcpt_to == std::vector<std::string>{"<head.logistics@shop.example>"});
  CHECK(mail.at(0).header("Subject").find("[" + ref + "] Overdue (resolution)") == 0);

  // Both levels are events on the ticket, and the delivery of the webhook too.
  const std::string target = "/api/v1/tickets/" + std::to_string(ticket.at("id").as_int64());
  std::vector<std::string> kinds;
  for (int i = 0; i < 100; ++i) {
    kinds.clear();
    const auto read = json_of(http_get(daemon.port(), target));  // a local: range-for would dangle
    for (const auto& e : read.at("events").as_array()) kinds.emplace_back(e.at("kind").as_string());
    if (std::count(kinds.begin(), kinds.end(), "webhook_sent") == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(std::count(kinds.begin(), kinds.end(), "escalated") == 2);
  CHECK(std::count(kinds.begin(), kinds.end(), "webhook_sent") == 1);

  // Nothing is sent twice: two more scans come and go without a second call.
  CHECK(receiver.received_within(2, std::chrono::milliseconds(2500)) == 1);
  CHECK(smtp.messages().size() == 1);
  ::unsetenv("E2E_HOOK_SECRET");
}

}  // namespace
}  // namespace triaged::e2e
