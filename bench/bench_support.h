// Shared by storage_bench and mail_bench: the sample texts tickets are made of, the people who
// send them, command-line flags, percentiles and the JSON lines bench/run collects. The
// tickets here are built exactly like bench/post_ticket.lua builds its HTTP bodies, so the
// storage, mail and HTTP figures are about the same rows.
#pragma once

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "routing/routing.h"

namespace triaged::bench {

struct Sample {
  std::string channel;
  std::string subject;
  std::string body;
};

// Used when ../shared/samples is not there, so the programs still run (with fewer texts).
inline std::vector<Sample> builtin_samples() {
  return {
      {"web", "Курьер не приехал",
       "Заказ 40718263 так и не привезли, курьер не звонил. Ждала весь день дома, в приложении "
       "статус «передан курьеру» уже вторые сутки."},
      {"email", "Двойное списание",
       "По заказу 81523907 деньги списали два раза, в банковском приложении две одинаковые "
       "операции. Прошу вернуть лишнее списание."},
      {"phone", "Просроченный сироп",
       "Кл. получил зак. 50312790, сироп Амброксол - срок годности истек в прошлом месяце. Кл. "
       "возмущен, просит замену или возврат."},
  };
}

// The public samples (one JSON object a line: channel, subject, body, ...).
inline std::vector<Sample> load_samples(const std::string& path) {
  std::vector<Sample> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    if (ec || !value.is_object()) continue;
    const auto& o = value.as_object();
    auto text = [&](const char* key) {
      const auto* v = o.if_contains(key);
      return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    out.push_back({text("channel"), text("subject"), text("body")});
  }
  if (out.empty()) {
    std::fprintf(stderr, "note: no samples at %s, using %zu built-in texts\n", path.c_str(),
                 builtin_samples().size());
    return builtin_samples();
  }
  return out;
}

struct Person {
  const char* name;
  const char* email;
  const char* phone;
};

inline constexpr Person kPeople[] = {
    {"Анна Петрова", "anna.petrova@example.ru", "+7 916 204-37-81"},
    {"Иван Смирнов", "ivan.smirnov@example.com", "+7 903 118-42-07"},
    {"Ирина Соколова", "irina@example.com", "+7 925 640-11-93"},
    {"Дмитрий Кузнецов", "d.kuznetsov@example.org", "8 (812) 337-25-60"},
    {"Ольга Васильева", "olga.v@example.ru", "+7 977 502-88-14"},
    {"Сергей Морозов", "morozov.s@example.net", "+7 985 730-64-29"},
};

inline constexpr const char* kProducts[] = {
    "Амброксол сироп 100 мл", "Тонометр автоматический", "Нурофен 200 мг №20",
    "Витамин D3 2000 МЕ", "Термометр электронный", "Ингалятор компрессорный",
};

// An eight-digit order number that varies with i.
inline std::string order_id(std::size_t i) {
  return std::to_string(40000000 + (i * 7919) % 59999999);
}

// The i-th ticket: sample i's subject, its body followed by sample i+1's as earlier history
// (about 1 KB of request in all), a complete requester and the fields every template of the
// example rule set asks for, so it is accepted.
inline routing::Ticket make_ticket(const std::vector<Sample>& samples, std::size_t i) {
  const Sample& s = samples[i % samples.size()];
  const Sample& earlier = samples[(i + 1) % samples.size()];
  const Person& p = kPeople[i % std::size(kPeople)];
  routing::Ticket t;
  t.subject = s.subject;
  t.body = s.body + "\n\nРанее писал(а): " + earlier.body;
  t.requester = {p.name, p.email, p.phone};
  t.fields = {{"order_id", order_id(i)}, {"product", kProducts[i % std::size(kProducts)]}};
  t.channel = s.channel.empty() ? "web" : s.channel;
  return t;
}

// --flag value pairs; flags without a value are "1".
class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string key = argv[i];
      if (key.rfind("--", 0) != 0) continue;
      key = key.substr(2);
      if (auto eq = key.find('='); eq != std::string::npos) {
        values_[key.substr(0, eq)] = key.substr(eq + 1);
      } else if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) {
        values_[key] = argv[++i];
      } else {
        values_[key] = "1";
      }
    }
  }
  bool has(const std::string& key) const { return values_.contains(key); }
  std::string get(const std::string& key, std::string fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  double number(const std::string& key, double fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : std::atof(it->second.c_str());
  }
  std::vector<int> list(const std::string& key, std::vector<int> fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    std::vector<int> out;
    std::size_t start = 0;
    const std::string& text = it->second;
    while (start <= text.size()) {
      auto comma = text.find(',', start);
      if (comma == std::string::npos) comma = text.size();
      if (comma > start) out.push_back(std::atoi(text.substr(start, comma - start).c_str()));
      start = comma + 1;
    }
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
};

// The q-th percentile (0..100) of `values`, nearest rank; 0 for none. Sorts `values`.
inline double percentile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(q / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

// Appends one JSON object a line to `path` (nothing when path is empty): what bench/run reads.
class JsonLines {
 public:
  explicit JsonLines(const std::string& path) {
    if (!path.empty()) out_.open(path, std::ios::app);
  }
  void write(const boost::json::object& line) {
    if (out_.is_open()) out_ << boost::json::serialize(line) << '\n' << std::flush;
  }

 private:
  std::ofstream out_;
};

// A fresh folder for this run's databases under `parent`, removed when the run ends.
class TempDir {
 public:
  explicit TempDir(const std::string& parent, const std::string& prefix) {
    const std::filesystem::path base =
        parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent);
    std::filesystem::create_directories(base);
    std::string pattern = (base / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(2);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

using SteadyClock = std::chrono::steady_clock;

inline double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace triaged::bench
