#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "mail_fixtures.h"

using namespace triaged::mail;
using namespace triaged::mail::testing;

// GMime and libxml2 initialise lazily inside the module; the daemon parses on several threads.
TEST_CASE("parse_message and compose_message can run on several threads at once") {
  const std::string koi8 = read_fixture("koi8r_body.eml");
  const std::string html = read_fixture("html_only.eml");
  std::atomic<int> mismatches = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto a = parse_message(koi8);
        const auto b = parse_message(html);
        OutgoingMessage out;
        out.from = {"Поддержка", "support@shop.example"};
        out.to = {"", "c@example.com"};
        out.subject = "Тема " + std::to_string(i);
        out.text = "текст";
        const auto c = parse_message(compose_message(out));
        if (!a || a->subject != "Не пришла посылка" || !b || !b->text_from_html || !c || c->subject != out.subject) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(mismatches == 0);
}
