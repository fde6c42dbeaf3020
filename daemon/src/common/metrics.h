// Prometheus metrics: counter, gauge and histogram families with a fixed label set, and their
// rendering in the text exposition format 0.0.4. Metrics holds the daemon's own families.
// Thread-safe: every family guards its series with its own mutex; render() may run while
// other threads record.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace triaged::daemon {

using LabelValues = std::vector<std::string>;

// What counters and gauges share: one number per distinct tuple of label values.
class ValueFamily {
 public:
  // Appends "# HELP", "# TYPE" and one line per series (none recorded: header lines only).
  void render(std::string& out) const;

 protected:
  ValueFamily(std::string name, std::string help, std::vector<std::string> labels, const char* type);

  const std::string name_, help_;
  const std::vector<std::string> labels_;
  const char* const type_;
  mutable std::mutex mutex_;
  std::map<LabelValues, double> series_;
};

// A family of counters.
class Counter : public ValueFamily {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> labels);
  // REQUIRES: values.size() equals the number of label names.
  void inc(const LabelValues& values, double by = 1);
};

// A family of gauges; set() replaces a series' value, set_only() drops every other series too
// (an info metric naming the one live version).
class Gauge : public ValueFamily {
 public:
  Gauge(std::string name, std::string help, std::vector<std::string> labels);
  void set(const LabelValues& values, double value);
  void set_only(const LabelValues& values, double value);
};

// A family of histograms over kDurationBuckets (seconds); rendered with cumulative
// _bucket{le=...} lines ending in le="+Inf", then _sum and _count.
class Histogram {
 public:
  static const std::vector<double> kDurationBuckets;
  Histogram(std::string name, std::string help, std::vector<std::string> labels);
  void observe(const LabelValues& values, double value);
  void render(std::string& out) const;

 private:
  struct Series {
    std::vector<std::uint64_t> counts;  // per bucket, not cumulative; one extra for +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  const std::string name_, help_;
  const std::vector<std::string> labels_;
  mutable std::mutex mutex_;
  std::map<LabelValues, Series> series_;
};

// Label value escaping of the text format: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

// The daemon's metrics. Owned by the Daemon (or a test harness); the Api holds a pointer.
struct Metrics {
  Counter http_requests{"triaged_http_requests_total", "HTTP requests answered, by route template, method and status.",
                        {"route", "method", "status"}};
  Histogram http_request_duration{"triaged_http_request_duration_seconds",
                                  "Time from receiving an HTTP request to handing over its response.", {"route"}};
  Counter tickets{"triaged_tickets_total", "Tickets submitted, by channel, topic, department and outcome.",
                  {"channel", "topic", "department", "outcome"}};
  Histogram routing_duration{"triaged_routing_duration_seconds", "Time spent routing one ticket.", {}};
  Counter validation_failures{"triaged_validation_failures_total",
                              "Field errors in 422 answers, by field and error code.", {"field", "code"}};
  Counter rules_reloads{"triaged_rules_reloads_total", "Rule reload attempts, by result and trigger.",
                        {"result", "trigger"}};
  Gauge rules_info{"triaged_rules_info", "The live rule set: always 1, labelled with its version and name.",
                   {"version", "name"}};
  Gauge model_info{"triaged_model_info",
                   "The rule set's learned model: 1 when it routes with the rules, 0 when it is configured but "
                   "could not be used (the rules route alone); labelled with its version, or none.",
                   {"version"}};
  Gauge rules_cluster_info{"triaged_rules_cluster_info",
                           "On a database several nodes share: the rule set the cluster serves (the last one "
                           "published on any node); always 1, labelled with its version.",
                           {"version"}};
  Gauge rules_cluster_mismatch{"triaged_rules_cluster_mismatch",
                               "On a database several nodes share: 1 while this node serves another rule set than "
                               "the cluster's (it does not load here, or the switch is under way), else 0.",
                               {}};
  Counter escalations{"triaged_escalations_total", "SLA escalations recorded, by level id and action.",
                      {"level", "action"}};
  Counter deflected{"triaged_deflected_total",
                    "Questions an answer of the rule set settled before they became tickets, by topic.", {"topic"}};
  Counter csat_ratings{"triaged_csat_ratings_total",
                       "Customer ratings recorded (a changed rating counts again), by the ticket's department and "
                       "topic when it was resolved and the rating: good or bad.",
                       {"department", "topic", "rating"}};

  // Every family above, in the order declared.
  std::string render() const;
};

}  // namespace triaged::daemon
