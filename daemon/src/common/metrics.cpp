#include "common/metrics.h"

#include <charconv>
#include <cmath>

namespace triaged::daemon {
namespace {

// Shortest round-trip form, without an exponent in the usual range ("1", "0.0005", "2.5", as
// bucket bounds are conventionally written); the text format spells infinity "+Inf".
std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[400];
  const double a = std::fabs(v);
  const bool plain = a == 0 || (a >= 1e-6 && a < 1e15);
  auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + escape_help(help) + "\n";
  out += "# TYPE " + name + " " + type + "\n";
}

// `{a="x",b="y"}`, with an optional extra pair (the histogram's le); "" when there are none.
std::string label_set(const std::vector<std::string>& names, const LabelValues& values, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escape_label_value(values[i]) + "\"";
  if (!extra_name.empty())
    out += (out.empty() ? "" : ",") + std::string(extra_name) + "=\"" + escape_label_value(extra_value) + "\"";
  return out.empty() ? out : "{" + out + "}";
}

void render_series(std::string& out, const std::string& name, const std::vector<std::string>& labels,
                   const std::map<LabelValues, double>& series) {
  for (const auto& [values, v] : series) out += name + label_set(labels, values) + " " + format_number(v) + "\n";
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

ValueFamily::ValueFamily(std::string name, std::string help, std::vector<std::string> labels, const char* type)
    : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), type_(type) {}

void ValueFamily::render(std::string& out) const {
  header(out, name_, help_, type_);
  std::lock_guard lock(mutex_);
  render_series(out, name_, labels_, series_);
}

Counter::Counter(std::string name, std::string help, std::vector<std::string> labels)
    : ValueFamily(std::move(name), std::move(help), std::move(labels), "counter") {}

void Counter::inc(const LabelValues& values, double by) {
  std::lock_guard lock(mutex_);
  series_[values] += by;
}

Gauge::Gauge(std::string name, std::string help, std::vector<std::string> labels)
    : ValueFamily(std::move(name), std::move(help), std::move(labels), "gauge") {}

void Gauge::set(const LabelValues& values, double value) {
  std::lock_guard lock(mutex_);
  series_[values] = value;
}

void Gauge::set_only(const LabelValues& values, double value) {
  std::lock_guard lock(mutex_);
  series_.clear();
  series_[values] = value;
}

const std::vector<double> Histogram::kDurationBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                         0.1,    0.25,  0.5,    1,     2.5,   5,     10};

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> labels)
    : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)) {}

void Histogram::observe(const LabelValues& values, double value) {
  std::size_t bucket = 0;
  while (bucket < kDurationBuckets.size() && value > kDurationBuckets[bucket]) ++bucket;
  std::lock_guard lock(mutex_);
  Series& s = series_[values];
  if (s.counts.empty()) s.counts.assign(kDurationBuckets.size() + 1, 0);
  ++s.counts[bucket];
  s.sum += value;
  ++s.count;
}

void Histogram::render(std::string& out) const {
  header(out, name_, help_, "histogram");
  std::lock_guard lock(mutex_);
  for (const auto& [values, s] : series_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= kDurationBuckets.size(); ++i) {
      cumulative += s.counts[i];
      const double le = i < kDurationBuckets.size() ? kDurationBuckets[i] : INFINITY;
      out += name_ + "_bucket" + label_set(labels_, values, "le", format_number(le)) + " " + std::to_string(cumulative) + "\n";
    }
    out += name_ + "_sum" + label_set(labels_, values) + " " + format_number(s.sum) + "\n";
    out += name_ + "_count" + label_set(labels_, values) + " " + std::to_string(s.count) + "\n";
  }
}

std::string Metrics::render() const {
  std::string out;
  http_requests.render(out);
  http_request_duration.render(out);
  tickets.render(out);
  routing_duration.render(out);
  validation_failures.render(out);
  rules_reloads.render(out);
  rules_info.render(out);
  model_info.render(out);
  rules_cluster_info.render(out);
  rules_cluster_mismatch.render(out);
  escalations.render(out);
  deflected.render(out);
  csat_ratings.render(out);
  return out;
}

}  // namespace triaged::daemon
