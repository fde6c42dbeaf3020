// Email ingest, messages/s, for a typical ~5 KB message (multipart/alternative, Russian text,
// quoted history, a real MTA's headers) and a ~200 KB one carrying a PDF attachment. Three
// stages, each measured on its own so the profile of the path shows:
//   parse   mail::parse_message alone, one thread;
//   route   parse + ticket_from_mail + routing::route with the built-in rules, one thread;
//   ingest  daemon::EmailIngest::ingest (parse, thread lookup, route, needs_info reply,
//           store) into a TicketStore on a file with the daemon's settings, from two threads
//           (the daemon's mail pool) with up to --window messages waiting for their commit.
//
//   mail_bench [--seconds S] [--window N] [--dir DIR] [--samples tickets.jsonl] [--json out.jsonl]
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "app/daemon.h"
#include "intake/email_ingest.h"
#include "mail/message.h"
#include "intake/mail_ticket.h"
#include "rules/rules.h"
#include "storage/ticket_store.h"

namespace triaged::bench {
namespace {

using Clock = std::chrono::system_clock;

// The text of examples/eshop-ru/ticket.eml: every message opens with it.
constexpr const char* kEmlText =
    "Здравствуйте!\n\nПо заказу 81523907 деньги списали два раза, в банковском приложении две "
    "одинаковые операции.\n";

std::string base64(std::string_view data, bool wrap) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(data.size() * 4 / 3 + data.size() / 38 + 8);
  std::size_t column = 0;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const auto byte = [&](std::size_t k) {
      return k < data.size() ? static_cast<unsigned>(static_cast<unsigned char>(data[k])) : 0u;
    };
    const unsigned n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[n & 63] : '=';
    if (wrap && (column += 4) >= 76) out += "\r\n", column = 0;
  }
  if (wrap && column > 0) out += "\r\n";
  return out;
}

std::string encoded_word(std::string_view text) { return "=?UTF-8?B?" + base64(text, false) + "?="; }

std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\n': out += "<br>\n"; break;
      default: out += c;
    }
  }
  return out;
}

// Fixed width, so each use can stamp a fresh number in place.
constexpr std::string_view kIdPlaceholder = "MSGID0000000000";

// Message i: the ticket.eml text, sample i's complaint, a signature, and the shop's earlier
// answer quoted below, as text/plain (8bit) and text/html (base64). With attachment_bytes,
// a multipart/mixed that also carries a PDF of that many bytes.
std::string make_message(const std::vector<Sample>& samples, std::size_t i, std::size_t attachment_bytes) {
  const Sample& s = samples[i % samples.size()];
  const Person& p = kPeople[i % std::size(kPeople)];
  std::string text = std::string(kEmlText) + "\n" + s.body + "\n\nТелефон для связи: " + p.phone +
                     "\n\nС уважением,\n" + p.name + "\n\n";
  std::string quoted = "23 нояб. 2026 г., в 10:00, Интернет-аптека <support@apteka.example> пишет:\n";
  for (std::size_t k = 1; quoted.size() < 500; ++k) {
    quoted += "> " + samples[(i + k) % samples.size()].body + "\n>\n";
  }
  text += quoted;
  std::string html = "<html><head><meta charset=\"utf-8\"><style>p{margin:0}</style></head><body>"
                     "<div dir=\"ltr\"><p>" +
                     html_escape(std::string(kEmlText) + "\n" + s.body) + "</p><p>Телефон для связи: " +
                     p.phone + "</p><p>С уважением,<br>" + p.name +
                     "</p></div><div class=\"gmail_quote\"><blockquote style=\"margin:0 0 0 .8ex;"
                     "border-left:1px #ccc solid;padding-left:1ex\">" +
                     html_escape(quoted) + "</blockquote></div></body></html>";

  std::string m;
  m += "Return-Path: <" + std::string(p.email) + ">\r\n";
  m += "Received: from mx1.example.com (mx1.example.com [203.0.113.25])\r\n"
       "\tby mx.apteka.example (Postfix) with ESMTPS id 4Xk2Lq0Zz1z9sW\r\n"
       "\tfor <support@apteka.example>; Mon, 23 Nov 2026 19:00:02 +0300 (MSK)\r\n";
  m += "Received: from [192.168.1.34] (broadband-46-242-8-17.example.net [46.242.8.17])\r\n"
       "\tby mx1.example.com with ESMTPSA id a640c23a62f3a-a3e7a6f1c2fsm118237766b.77\r\n"
       "\tfor <support@apteka.example>; Mon, 23 Nov 2026 08:00:01 -0800 (PST)\r\n";
  m += "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=20230601;\r\n"
       "\tt=1795449600; x=1796054400; h=to:subject:message-id:date:from:mime-version:from:to:cc;\r\n"
       "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=" +
       base64(std::string(256, 'k') + s.subject, false).substr(0, 340) + "\r\n";
  m += "From: " + encoded_word(p.name) + " <" + p.email + ">\r\n";
  m += "To: support@apteka.example\r\n";
  m += "Subject: " + encoded_word(s.subject) + "\r\n";
  m += "Date: Mon, 23 Nov 2026 19:00:00 +0300\r\n";
  m += "Message-ID: <" + std::string(kIdPlaceholder) + "@mail.example.com>\r\n";
  m += "MIME-Version: 1.0\r\nX-Mailer: Microsoft Outlook 16.0\r\nContent-Language: ru\r\n";
  const std::string alt = "----=_alt_0001";
  std::string alternative = "Content-Type: multipart/alternative; boundary=\"" + alt + "\"\r\n\r\n--" + alt +
                            "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
                            crlf(text) + "\r\n--" + alt +
                            "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                            base64(html, true) + "--" + alt + "--\r\n";
  if (attachment_bytes == 0) return m + alternative;

  // A PDF's bytes: a header, then noise that does not compress, like a scanned receipt.
  std::string pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  std::uint64_t x = 0x9E3779B97F4A7C15ull + i;
  while (pdf.size() < attachment_bytes) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    pdf += static_cast<char>(x & 0xff);
  }
  const std::string mixed = "----=_mixed_0001";
  return m + "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n--" + mixed + "\r\n" + alternative +
         "\r\n--" + mixed +
         "\r\nContent-Type: application/pdf; name=\"=?UTF-8?B?" + base64("Выписка из банка.pdf", false) +
         "?=\"\r\nContent-Disposition: attachment; filename*=UTF-8''%D0%92%D1%8B%D0%BF%D0%B8%D1%81%D0%BA%D0%B0.pdf\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         base64(pdf, true) + "--" + mixed + "--\r\n";
}

// Stamps `n` into the copy's Message-ID, so every delivery is a new message to the store.
std::string with_id(const std::string& message, std::uint64_t n) {
  std::string out = message;
  const auto at = out.find(kIdPlaceholder);
  if (at == std::string::npos) std::abort();
  std::string digits = std::to_string(n);
  digits.insert(0, kIdPlaceholder.size() - 5 - digits.size(), '0');
  out.replace(at + 5, digits.size(), digits);
  return out;
}

struct Rate {
  double per_s = 0;
  double mb_per_s = 0;
};

// Runs `one(i)` on this thread for `seconds`.
template <typename F>
Rate single_thread(double seconds, const std::vector<std::string>& messages, F one) {
  std::size_t n = 0, bytes = 0;
  const auto start = SteadyClock::now();
  do {
    const std::string& m = messages[n % messages.size()];
    one(m);
    bytes += m.size();
    ++n;
  } while (seconds_since(start) < seconds);
  const double elapsed = seconds_since(start);
  return {static_cast<double>(n) / elapsed, static_cast<double>(bytes) / elapsed / 1e6};
}

struct IngestMeasured {
  Rate rate;
  double p50_ms = 0, p99_ms = 0;
  std::map<std::string, int> outcomes;
  std::uint64_t errors = 0;
  std::string first_reason;  // of the first message not simply created
};

IngestMeasured run_ingest(const std::vector<std::string>& templates, double seconds, int window,
                          const std::string& db_path, std::shared_ptr<const routing::RuleSet> rules) {
  storage::StoreOptions options;
  options.path = db_path;
  options.create_if_missing = true;
  auto opened = storage::TicketStore::open(options);
  if (!opened) {
    std::fprintf(stderr, "cannot open %s: %s\n", db_path.c_str(), opened.error().message.c_str());
    std::exit(2);
  }
  auto& store = **opened;
  daemon::EmailOptions email;  // the daemon's defaults
  const daemon::EmailIngest ingest([rules] { return rules; }, store, [] { return Clock::now(); }, std::move(email));

  std::counting_semaphore<> slots(window);
  std::atomic<bool> stop{false}, measuring{false};
  std::atomic<std::uint64_t> next_id{1}, done{0}, bytes{0}, errors{0};
  std::mutex mutex;  // ingest may answer on the submitting thread or the writer's
  std::vector<double> latencies_ms;
  std::map<std::string, int> outcomes;
  std::string first_reason;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        if (!slots.try_acquire_for(std::chrono::milliseconds(100))) continue;
        const std::uint64_t n = next_id.fetch_add(1);
        std::string raw = with_id(templates[n % templates.size()], n);
        const std::size_t size = raw.size();
        const auto started = SteadyClock::now();
        ingest.ingest(std::move(raw), "support@apteka.example", [&, started, size](auto result) {
          if (!result) {
            errors.fetch_add(1);
          } else if (measuring.load()) {
            done.fetch_add(1);
            bytes.fetch_add(size);
            std::lock_guard lock(mutex);
            latencies_ms.push_back(seconds_since(started) * 1000);
            ++outcomes[result->outcome];
            if (!result->reason.empty() && first_reason.empty()) first_reason = result->outcome + ": " + result->reason;
          }
          slots.release();
        });
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(std::min(0.5, seconds / 5)));
  measuring = true;
  const auto start = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  measuring = false;
  const double elapsed = seconds_since(start);
  stop = true;
  for (auto& t : threads) t.join();
  store.close();
  IngestMeasured m;
  m.rate = {static_cast<double>(done.load()) / elapsed, static_cast<double>(bytes.load()) / elapsed / 1e6};
  m.p50_ms = percentile(latencies_ms, 50);
  m.p99_ms = percentile(latencies_ms, 99);
  m.outcomes = outcomes;
  m.errors = errors.load();
  m.first_reason = first_reason;
  return m;
}

}  // namespace
}  // namespace triaged::bench

int main(int argc, char** argv) {
  using namespace triaged::bench;
  using namespace triaged;
  namespace json = boost::json;
  const Args args(argc, argv);
  const double seconds = args.number("seconds", 3);
  const int window = static_cast<int>(args.number("window", 64));
  JsonLines out(args.get("json", ""));
  const TempDir dir(args.get("dir", ""), "mail-bench");
  const auto samples = load_samples(args.get("samples", "../shared/samples/eshop-ru/tickets.public.jsonl"));
  auto loaded = rules::load_rules_text(daemon::embedded_rules_text(), daemon::embedded_rules_source());
  if (!loaded) {
    std::fprintf(stderr, "the built-in rules do not load\n");
    return 2;
  }
  const auto rules = loaded->rules;

  struct Kind {
    const char* name;
    std::size_t attachment_bytes;
  };
  std::printf("mail_bench: %.1f s per stage; ingest from 2 threads, window %d\n", seconds, window);
  std::printf("%-10s %8s | %10s %10s | %10s %10s %8s %8s | %s\n", "message", "bytes", "parse/s", "route/s",
              "ingest/s", "MB/s", "p50 ms", "p99 ms", "outcomes");
  for (const Kind kind : {Kind{"typical", 0}, Kind{"attachment", 140 * 1024}}) {
    std::vector<std::string> templates, messages;  // with the Message-ID placeholder, and stamped
    std::size_t total = 0;
    for (std::size_t i = 0; i < 40; ++i) {
      templates.push_back(make_message(samples, i, kind.attachment_bytes));
      messages.push_back(with_id(templates.back(), i));
      total += messages.back().size();
    }
    const double avg_bytes = static_cast<double>(total) / static_cast<double>(messages.size());
    if (auto check = mail::parse_message(messages[0]); !check || check->text.empty()) {
      std::fprintf(stderr, "the generated %s message does not parse\n", kind.name);
      return 2;
    }

    const Rate parse = single_thread(seconds, messages, [](const std::string& m) {
      auto parsed = mail::parse_message(m);
      if (!parsed) std::abort();
    });
    const auto now = Clock::now();
    const Rate route = single_thread(seconds, messages, [&](const std::string& m) {
      auto parsed = mail::parse_message(m);
      if (!parsed) std::abort();
      auto decision = routing::route(*rules, daemon::ticket_from_mail(*parsed), now);
      if (decision.topic.empty()) std::abort();
    });
    const IngestMeasured ingest = run_ingest(templates, seconds, window, dir.file(std::string(kind.name) + ".db"), rules);

    std::string outcomes;
    json::object outcome_json;
    for (const auto& [name, count] : ingest.outcomes) {
      outcomes += (outcomes.empty() ? "" : " ") + name + "=" + std::to_string(count);
      outcome_json[name] = count;
    }
    if (ingest.errors) outcomes += " errors=" + std::to_string(ingest.errors);
    if (!ingest.first_reason.empty()) outcomes += " (" + ingest.first_reason + ")";
    std::printf("%-10s %8.0f | %10.0f %10.0f | %10.0f %10.1f %8.2f %8.2f | %s\n", kind.name, avg_bytes, parse.per_s,
                route.per_s, ingest.rate.per_s, ingest.rate.mb_per_s, ingest.p50_ms, ingest.p99_ms, outcomes.c_str());
    std::fflush(stdout);
    out.write(json::object{{"bench", "mail"},
                           {"message", kind.name},
                           {"bytes", avg_bytes},
                           {"parse_per_s", parse.per_s},
                           {"parse_route_per_s", route.per_s},
                           {"ingest_per_s", ingest.rate.per_s},
                           {"ingest_mb_per_s", ingest.rate.mb_per_s},
                           {"ingest_p50_ms", ingest.p50_ms},
                           {"ingest_p99_ms", ingest.p99_ms},
                           {"ingest_errors", ingest.errors},
                           {"outcomes", outcome_json},
                           {"window", window},
                           {"seconds", seconds}});
  }
  return 0;
}
