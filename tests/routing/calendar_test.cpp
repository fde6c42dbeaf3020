// BusinessCalendar as tables: a start instant and an amount of working time in, the deadline
// out, all written in UTC so each row says exactly which instant it means.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "routing/calendar.h"

namespace {

using namespace std::chrono;
using triaged::routing::BusinessCalendar;
using triaged::routing::CalendarSpec;
using triaged::routing::Diagnostic;

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

BusinessCalendar calendar(const std::string& zone, std::vector<int> days,
                          std::vector<triaged::routing::WorkingHours> hours,
                          std::vector<triaged::routing::CivilDate> holidays = {}) {
  CalendarSpec spec{zone, std::move(days), std::move(hours), std::move(holidays), "rules.yaml:3:1"};
  auto built = BusinessCalendar::build(spec);
  if (!built) FAIL(built.error().front().to_string());
  return *built;
}

const std::vector<int> kWeekdays = {1, 2, 3, 4, 5};
constexpr triaged::routing::WorkingHours kNineToSix{9 * 60, 18 * 60};

struct Row {
  const char* what;
  system_clock::time_point start;
  milliseconds work;
  system_clock::time_point expected;
};

void check_rows(const BusinessCalendar& c, const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    INFO(row.what);
    CHECK(c.add(row.start, row.work) == row.expected);
  }
}

}  // namespace

TEST_CASE("without a calendar every second counts", "[routing][calendar]") {
  const BusinessCalendar c;
  CHECK(c.counts_every_second());
  CHECK(c.add(utc(2027, 1, 1, 23), hours{2}) == utc(2027, 1, 2, 1));
}

// Europe/Moscow is UTC+3 all year: local 09:00 is 06:00 UTC, 18:00 is 15:00 UTC.
// 2027-01-04 is a Monday; 2027-01-01 a Friday.
TEST_CASE("working time skips evenings - weekends and holidays", "[routing][calendar]") {
  const auto c = calendar("Europe/Moscow", kWeekdays, {kNineToSix}, {{2027, 1, 11}});
  check_rows(c, {
      {"inside the day", utc(2027, 1, 5, 7), hours{2}, utc(2027, 1, 5, 9)},
      {"ends exactly at closing time, not next morning", utc(2027, 1, 5, 6), hours{9}, utc(2027, 1, 5, 15)},
      {"before opening: counting starts at 09:00", utc(2027, 1, 5, 3), hours{1}, utc(2027, 1, 5, 7)},
      {"in the evening: counting starts next morning", utc(2027, 1, 5, 17), hours{1}, utc(2027, 1, 6, 7)},
      {"Friday 17:00 plus two hours is Monday 10:00", utc(2027, 1, 15, 14), hours{2}, utc(2027, 1, 18, 7)},
      {"Saturday counts nothing", utc(2027, 1, 2, 9), hours{1}, utc(2027, 1, 4, 7)},
      {"a holiday Monday moves it to Tuesday", utc(2027, 1, 8, 14), minutes{90}, utc(2027, 1, 12, 6, 30)},
      {"after a holiday Monday", utc(2027, 1, 8, 14), hours{2}, utc(2027, 1, 12, 7)},
      {"two working days", utc(2027, 1, 5, 6), hours{18}, utc(2027, 1, 6, 15)},
      {"zero work is the start itself", utc(2027, 1, 2, 9), hours{0}, utc(2027, 1, 2, 9)},
      {"milliseconds are kept", utc(2027, 1, 5, 6), milliseconds{1500}, utc(2027, 1, 5, 6) + milliseconds{1500}},
  });
}

TEST_CASE("a lunch break is not working time", "[routing][calendar]") {
  // UTC keeps the arithmetic visible: 09:00-13:00 and 14:00-18:00.
  const auto c = calendar("UTC", kWeekdays, {{9 * 60, 13 * 60}, {14 * 60, 18 * 60}});
  check_rows(c, {
      {"across lunch", utc(2027, 1, 5, 12), hours{2}, utc(2027, 1, 5, 15)},
      {"started during lunch", utc(2027, 1, 5, 13, 30), hours{1}, utc(2027, 1, 5, 15)},
      {"ending exactly at lunch", utc(2027, 1, 5, 9), hours{4}, utc(2027, 1, 5, 13)},
  });
}

// Europe/Berlin: CET (UTC+1) until 2026-03-29 02:00, then CEST (UTC+2) until 2026-10-25 03:00.
TEST_CASE("working hours follow the local clock across a DST change", "[routing][calendar]") {
  const auto office = calendar("Europe/Berlin", kWeekdays, {kNineToSix});
  check_rows(office, {
      // Friday 17:00 CET is 16:00 UTC; Monday 10:00 CEST is 08:00 UTC, not 09:00.
      {"spring forward over the weekend", utc(2026, 3, 27, 16), hours{2}, utc(2026, 3, 30, 8)},
      // Friday 17:00 CEST is 15:00 UTC; Monday 10:00 CET is 09:00 UTC.
      {"fall back over the weekend", utc(2026, 10, 23, 15), hours{2}, utc(2026, 10, 26, 9)},
  });
  const auto always = calendar("Europe/Berlin", {1, 2, 3, 4, 5, 6, 7}, {{0, 24 * 60}});
  check_rows(always, {
      // The day of the change has 23 hours: a day of work from its midnight ends at 01:00
      // local the next day, which is still exactly 24 real hours.
      {"a 23-hour day", utc(2026, 3, 28, 23), hours{24}, utc(2026, 3, 29, 23)},
      {"a 25-hour day", utc(2026, 10, 24, 22), hours{24}, utc(2026, 10, 25, 22)},
  });
  const auto night = calendar("Europe/Berlin", {1, 2, 3, 4, 5, 6, 7}, {{2 * 60, 4 * 60}});
  check_rows(night, {
      // 02:00-03:00 does not exist on 2026-03-29: that night has one working hour,
      // 03:00-04:00 CEST (01:00-02:00 UTC); the rest is 02:00-02:30 CEST the next night.
      {"working hours inside the skipped hour", utc(2026, 3, 28, 22), minutes{90}, utc(2026, 3, 30, 0, 30)},
      // 02:00-03:00 happens twice on 2026-10-25: that night has three working hours,
      // from 02:00 CEST (00:00 UTC) to 04:00 CET (03:00 UTC).
      {"working hours across the repeated hour", utc(2026, 10, 24, 22), hours{3}, utc(2026, 10, 25, 3)},
  });
}

TEST_CASE("a calendar with almost no working time left says never", "[routing][calendar]") {
  const auto c = calendar("UTC", {1}, {{9 * 60, 10 * 60}});
  CHECK(c.add(utc(2027, 1, 4, 9), hours{24 * 365 * 50}) == system_clock::time_point::max());
}

TEST_CASE("an SLA of centuries is never due instead of overflowing the clock", "[routing][calendar]") {
  CHECK(BusinessCalendar{}.add(utc(2027, 1, 4, 9), hours{24} * 1'000'000'000LL) == system_clock::time_point::max());
  const auto c = calendar("UTC", kWeekdays, {kNineToSix});
  CHECK(c.add(utc(2027, 1, 4, 9), hours{24} * 1'000'000'000LL) == system_clock::time_point::max());
}

TEST_CASE("calendar mistakes are reported at the calendar", "[routing][calendar]") {
  CalendarSpec spec{"Europe/Atlantis", {0, 1}, {{9 * 60, 18 * 60}, {17 * 60, 19 * 60}, {20 * 60, 20 * 60}},
                    {{2027, 2, 30}}, "rules.yaml:3:1"};
  auto built = BusinessCalendar::build(spec);
  REQUIRE_FALSE(built);
  std::vector<std::string> messages;
  for (const Diagnostic& d : built.error()) messages.push_back(d.to_string());
  REQUIRE(messages.size() == 5);
  CHECK(messages[0].rfind("rules.yaml:3:1: calendar: unknown time zone \"Europe/Atlantis\"", 0) == 0);
  CHECK(messages[1] == "rules.yaml:3:1: calendar: working day 0 is not an ISO weekday 1..7");
  CHECK(messages[2] == "rules.yaml:3:1: calendar: working hours 17:00-19:00 overlap or come before the "
                       "previous interval (list them in order)");
  CHECK(messages[3] == "rules.yaml:3:1: calendar: working hours 20:00-20:00 must start before they end, "
                       "within one day");
  CHECK(messages[4] == "rules.yaml:3:1: calendar: holiday 2027-02-30 is not a date");
}
