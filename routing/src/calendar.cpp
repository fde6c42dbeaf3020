// BusinessCalendar over Howard Hinnant's date/tz (the C++20 <chrono> time zone API, which
// g++ 12's libstdc++ lacks), reading the system's zoneinfo files.
#include "routing/calendar.h"

#include <date/tz.h>

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

namespace triaged::routing {

struct BusinessCalendar::Impl {
  const date::time_zone* zone = nullptr;  // owned by date's database, which lives forever
  bool working_day[8] = {};               // by ISO weekday, [0] unused
  std::vector<WorkingHours> hours;
  std::vector<date::local_days> holidays;  // sorted
};

namespace {

using namespace std::chrono;

// A deadline further away than this many days of calendar is treated as never.
constexpr int kMaxDays = 366 * 100;

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string hhmm(int minutes) { return two_digits(minutes / 60) + ":" + two_digits(minutes % 60); }

}  // namespace

BusinessCalendar::BusinessCalendar() = default;

std::expected<BusinessCalendar, Diagnostics> BusinessCalendar::build(const CalendarSpec& spec) {
  Diagnostics errors;
  auto error = [&](std::string message) { errors.push_back({spec.where, "calendar: " + std::move(message)}); };
  auto impl = std::make_shared<Impl>();
  try {
    impl->zone = date::locate_zone(spec.time_zone);
  } catch (const std::exception& e) {
    error("unknown time zone \"" + spec.time_zone + "\" (an IANA name such as Europe/Moscow or UTC: " +
          e.what() + ")");
  }
  if (spec.working_days.empty()) error("no working days");
  for (int d : spec.working_days) {
    if (d < 1 || d > 7) error("working day " + std::to_string(d) + " is not an ISO weekday 1..7");
    else impl->working_day[d] = true;
  }
  if (spec.hours.empty()) error("no working hours");
  int previous_end = 0;
  for (const WorkingHours& h : spec.hours) {
    const std::string range = hhmm(h.start_minute) + "-" + hhmm(h.end_minute);
    if (h.start_minute < 0 || h.end_minute > 24 * 60 || h.start_minute >= h.end_minute)
      error("working hours " + range + " must start before they end, within one day");
    else if (h.start_minute < previous_end)
      error("working hours " + range + " overlap or come before the previous interval (list them in order)");
    previous_end = std::max(previous_end, h.end_minute);
  }
  impl->hours = spec.hours;
  for (const CivilDate& c : spec.holidays) {
    const date::year_month_day ymd{date::year{c.year}, date::month{static_cast<unsigned>(c.month)},
                                   date::day{static_cast<unsigned>(c.day)}};
    if (!ymd.ok()) {
      error("holiday " + std::to_string(c.year) + "-" + two_digits(c.month) + "-" + two_digits(c.day) +
            " is not a date");
      continue;
    }
    impl->holidays.push_back(date::local_days{ymd});
  }
  std::sort(impl->holidays.begin(), impl->holidays.end());
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return BusinessCalendar(std::move(impl));
}

BusinessCalendar::TimePoint BusinessCalendar::add(TimePoint start, milliseconds work) const {
  if (work <= milliseconds::zero()) return start;
  // Beyond a century the answer is "never" either way, and system_clock's nanoseconds would
  // overflow a few centuries on (rule files accept durations up to a billion days).
  if (work >= duration_cast<milliseconds>(date::days{kMaxDays})) return TimePoint::max();
  if (!impl_) return start + work;
  const Impl& c = *impl_;
  // Walk local days from the one `start` falls on, spending the work on each working
  // interval that ends after `start`. Interval bounds become instants through the zone: a
  // bound inside a DST gap maps to the moment the gap ends, one inside a repeated hour to its
  // first occurrence, so a working day with a clock change is as long as it really is.
  auto remaining = duration_cast<system_clock::duration>(work);
  const auto start_s = floor<seconds>(start);
  date::local_days day = floor<date::days>(c.zone->to_local(start_s));
  for (int i = 0; i < kMaxDays; ++i, day += date::days{1}) {
    const unsigned weekday = date::weekday{day}.iso_encoding();
    if (!c.working_day[weekday] || std::binary_search(c.holidays.begin(), c.holidays.end(), day)) continue;
    for (const WorkingHours& h : c.hours) {
      const TimePoint from_bound{c.zone->to_sys(day + minutes{h.start_minute}, date::choose::earliest).time_since_epoch()};
      const TimePoint to_bound{c.zone->to_sys(day + minutes{h.end_minute}, date::choose::earliest).time_since_epoch()};
      if (to_bound <= start) continue;
      const TimePoint from = std::max(from_bound, start);
      const auto available = to_bound - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
  }
  return TimePoint::max();
}

BusinessCalendar::LocalTime BusinessCalendar::local_time(TimePoint t) const {
  const auto instant = floor<minutes>(t);
  date::local_time<minutes> local{instant.time_since_epoch()};
  LocalTime out;
  out.zone = "UTC";
  if (impl_) {
    local = date::local_time<minutes>{floor<minutes>(impl_->zone->to_local(instant)).time_since_epoch()};
    out.zone = impl_->zone->name();
  }
  const auto day = floor<date::days>(local);
  const date::year_month_day ymd{day};
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.weekday = static_cast<int>(date::weekday{day}.iso_encoding());
  const auto of_day = local - day;
  out.hour = static_cast<int>(of_day.count() / 60);
  out.minute = static_cast<int>(of_day.count() % 60);
  return out;
}

}  // namespace triaged::routing
