// Business time. A BusinessCalendar answers one question: when has a given amount of working
// time passed since an instant? Working time is the calendar's hours on its working days,
// minus holidays, in its own time zone, so a deadline moves with the clocks at a DST change
// the way the people working it do. A default-constructed calendar counts every second.
// Immutable and thread-safe; copies share one compiled form.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <string>

#include "routing/rule_spec.h"

namespace triaged::routing {

class BusinessCalendar {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Every second counts: add(start, d) is start + d.
  BusinessCalendar();
  // Validates `spec` (a known time zone, working days 1..7, hours ascending and not
  // overlapping within a day, real dates as holidays) and compiles it. Errors are located at
  // spec.where. Looking the zone up reads the system's time zone database once per zone.
  static std::expected<BusinessCalendar, Diagnostics> build(const CalendarSpec& spec);

  // The instant at which `work` of working time has passed since `start`: start itself when
  // work is zero or less, the end of an interval when the work ends exactly there, and
  // TimePoint::max() when it would take more than a century (a calendar with almost no
  // working time left in it, or more than a century of work).
  // Milliseconds, so escalation levels at a percentage of an SLA need not round.
  TimePoint add(TimePoint start, std::chrono::milliseconds work) const;

  bool counts_every_second() const { return impl_ == nullptr; }

  // `t` on the wall clock of the calendar's zone (UTC for one that counts every second), for
  // telling a customer when to expect an answer.
  struct LocalTime {
    int year = 0, month = 0, day = 0;
    int weekday = 1;                    // ISO: 1 Monday .. 7 Sunday
    int hour = 0, minute = 0;
    std::string zone;                   // "Europe/Moscow", "UTC"
  };
  LocalTime local_time(TimePoint t) const;

  struct Impl;

 private:
  explicit BusinessCalendar(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace triaged::routing
