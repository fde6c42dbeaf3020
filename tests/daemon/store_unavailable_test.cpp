// A database that cannot be written (disk full, read-only, failing disk) seen from the API:
// every writing endpoint answers 503 with Retry-After and the cause class, never a path; the
// metric and the log say so once; and the first request after the cause is gone succeeds on
// the same store. The faults come from a real SQLite VFS underneath (../storage/faulty_vfs.h).
#include <catch2/catch.hpp>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "../storage/faulty_vfs.h"
#include "../storage/store_test_support.h"
#include "api_harness.h"

namespace triaged::testing {
namespace {

using triaged::test::DiskFault;
using triaged::test::faulty_uri;
using triaged::test::ScopedDiskFault;

// A harness whose store lives in a temp file opened through the faulty VFS.
struct FaultyApi {
  storage::test::TempDatabase file;
  ApiHarness api{kTestRules, {}, faulty_uri(file.path())};
};

// Checks the 503 a client gets while the store cannot write and returns the problem.
boost::json::object unavailable_problem(const Response& res, const std::string& db_path) {
  auto p = problem_of(res, 503);
  CHECK(res.header("Retry-After") == "5");
  CHECK(str(p.at("type")) == "urn:triaged:problem:store-unavailable");
  // The client learns the cause class, not where the database lives.
  CHECK(res.body.find(db_path) == std::string::npos);
  CHECK(res.body.find("faulty") == std::string::npos);
  return p;
}

std::string store_writable_line(ApiHarness& api) {
  Response res = api.get("/metrics");
  REQUIRE(res.status == 200);
  const std::string& text = res.body;
  const auto at = text.find("\ntriaged_store_writable ");
  if (at == std::string::npos) return "(missing)";
  return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

std::string mail(const std::string& message_id) {
  return "From: Ivan <ivan@example.com>\r\nTo: support@shop.example\r\nSubject: Courier is late\r\n"
         "Message-ID: <" + message_id + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
         "Order 12345678, the courier never came.\r\n";
}

// Captures what the default logger writes while it lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink_));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  long count(const std::string& needle) const {
    const auto lines = sink_->last_formatted();
    return std::count_if(lines.begin(), lines.end(),
                         [&](const std::string& line) { return line.find(needle) != std::string::npos; });
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace

TEST_CASE("a ticket posted while the disk is full gets 503 with Retry-After and its retry after the disk frees gets 201",
          "[api][disk]") {
  FaultyApi f;
  f.api.create(std::string(kDeliveryJson));
  CHECK(store_writable_line(f.api) == "triaged_store_writable 1");

  {
    ScopedDiskFault disk(DiskFault::full);
    auto p = unavailable_problem(
        f.api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", "retry-me"}}),
        f.file.path());
    CHECK(str(p.at("cause")) == "disk full");
    CHECK(str(p.at("detail")) == "the ticket store cannot write: disk full; the ticket was not stored; retry later");
    CHECK(store_writable_line(f.api) == "triaged_store_writable 0");
  }
  Response retried = f.api.post_json("/api/v1/tickets", std::string(kDeliveryJson), {{"Idempotency-Key", "retry-me"}});

  CHECK(retried.status == 201);
  CHECK(retried.header("Idempotent-Replayed") == "");  // created now: the refused try left nothing
  CHECK(store_writable_line(f.api) == "triaged_store_writable 1");
  auto list = body_json(f.api.get("/api/v1/tickets"));
  CHECK(list.at("tickets").as_array().size() == 2);
}

TEST_CASE("an email delivered while the database is read-only gets 503 and its redelivery creates the ticket",
          "[api][disk][email]") {
  FaultyApi f;

  {
    ScopedDiskFault disk(DiskFault::read_only);
    auto p = unavailable_problem(f.api.post_email(mail("late-1@example.com")), f.file.path());
    CHECK(str(p.at("cause")) == "read-only database");
    CHECK(str(p.at("detail")).find("the message was not stored") != std::string::npos);
  }
  Response redelivered = f.api.post_email(mail("late-1@example.com"));

  CHECK(redelivered.status == 201);  // created, or needs_info: the test rules want an order_id field
  CHECK(body_json(redelivered).at("ticket").is_object());
}

TEST_CASE("a reroute while the disk fails gets 503 and the ticket keeps its department", "[api][disk][reroute]") {
  FaultyApi f;
  auto created = f.api.create(std::string(kDeliveryJson));
  const std::string path = "/api/v1/tickets/" + std::to_string(created.at("id").as_int64());
  const std::string body = R"({"topic": "refund", "reason": "wants money back"})";

  {
    ScopedDiskFault disk(DiskFault::io_error);
    auto p = unavailable_problem(f.api.post_json(path + "/reroute", body), f.file.path());
    CHECK(str(p.at("cause")) == "I/O error");
  }
  CHECK(str(body_json(f.api.get(path)).at("department")) == "logistics");
  Response moved = f.api.post_json(path + "/reroute", body);

  CHECK(moved.status == 200);
  CHECK(str(body_json(moved).at("department")) == "billing");
}

TEST_CASE("a disk that stays full is logged once when writes start failing and once when they work again",
          "[api][disk]") {
  FaultyApi f;
  CapturedLog log;

  {
    ScopedDiskFault disk(DiskFault::full);
    for (int i = 0; i < 3; ++i) problem_of(f.api.post_json("/api/v1/tickets", std::string(kDeliveryJson)), 503);
  }
  for (int i = 0; i < 2; ++i) f.api.create(std::string(kDeliveryJson));

  CHECK(log.count("the database cannot be written (disk full)") == 1);
  CHECK(log.count("the database takes writes again") == 1);
}

}  // namespace triaged::testing
