// Training and measuring the model with liblinear on small hand-written sets.
#include <catch2/catch.hpp>

#include "learn/learn.h"
#include "routing/rule_spec.h"

using namespace triaged;

namespace {

std::shared_ptr<const routing::RuleSet> rules(routing::ModelUse use = routing::ModelUse::fallback) {
  routing::RuleSetSpec s;
  s.name = "learn";
  s.languages = {"ru", "en"};
  s.departments = {{"logistics", "", "t"}, {"finance", "", "t"}, {"support", "", "t"}};
  routing::ConditionSpec late;
  late.selector = "text";
  late.values = {"опоздал*"};
  routing::TopicSpec delivery{"delivery", "", "logistics"};
  delivery.when = late;
  routing::TopicSpec refund{"refund", "", "finance"};
  refund.when = late;
  refund.when->values = {"возврат*"};
  routing::TopicSpec other{"other", "", "support"};
  other.is_default = true;
  s.topics = {delivery, refund, other};
  s.model = routing::ModelSpec{"m", use, 0.4};
  auto built = routing::build_rule_set(s);
  REQUIRE(built);
  return *built;
}

learn::Example example(std::string body, std::string topic) {
  learn::Example e;
  e.ticket.body = std::move(body);
  e.topic = std::move(topic);
  e.origin = "test";
  return e;
}

std::vector<learn::Example> examples() {
  std::vector<learn::Example> out;
  for (const char* b : {"курьер не приехал", "где курьер", "курьер опоздал на час", "курьер так и не пришёл",
                        "доставка сорвалась, курьер не звонил", "курьера нет уже три часа"})
    out.push_back(example(b, "delivery"));
  for (const char* b : {"верните деньги", "хочу вернуть деньги за заказ", "деньги не вернули", "оформите возврат денег",
                        "когда вернут деньги", "деньги на карту так и не пришли"})
    out.push_back(example(b, "refund"));
  for (const char* b : {"спасибо за работу", "до скольки работает аптека", "есть ли в наличии аспирин",
                        "благодарю аптеку", "как стать партнёром", "где ближайшая аптека"})
    out.push_back(example(b, "other"));
  return out;
}

}  // namespace

TEST_CASE("training the same examples twice gives the same model byte for byte", "[learn]") {
  auto r = rules();
  auto a = learn::train_model(*r, examples(), {});
  auto b = learn::train_model(*r, examples(), {});
  REQUIRE(a);
  REQUIRE(b);
  CHECK(routing::write_model(*a) == routing::write_model(*b));
  CHECK(a->topics == std::vector<std::string>{"delivery", "refund", "other"});
  CHECK(a->examples == 18);
}

TEST_CASE("a trained model routes new wordings of what it learned", "[learn]") {
  auto r = rules();
  auto data = learn::train_model(*r, examples(), {});
  REQUIRE(data);
  const auto model = routing::compile_model(std::move(*data), "v1");
  routing::Ticket t;
  t.body = "курьер так и не приехал";
  CHECK(routing::predict(*r, *model, t).topic == "delivery");
  t.body = "прошу вернуть деньги";
  CHECK(routing::predict(*r, *model, t).topic == "refund");
}

TEST_CASE("examples of a topic the rule set lacks are refused", "[learn]") {
  auto r = rules();
  auto e = examples();
  e.push_back(example("склад", "warehouse"));
  e.back().origin = "cases.yaml:40";
  auto data = learn::train_model(*r, e, {});
  REQUIRE_FALSE(data);
  CHECK(data.error() == "cases.yaml:40: topic \"warehouse\" is not in the rule set");
  CHECK_FALSE(learn::train_model(*r, {example("a", "delivery"), example("b", "delivery")}, {}));
}

TEST_CASE("cross-validation routes every example once with a model that never saw it", "[learn]") {
  auto r = rules();
  int folds_seen = 0;
  learn::TrainOptions options;
  options.folds = 3;
  // Eighteen tickets are too few for words alone; character n-grams reach other word forms.
  options.features.char_min = 3;
  options.features.char_max = 5;
  auto outcomes = learn::cross_validate(*r, examples(), options, {}, [&](int done, int total) {
    folds_seen = done;
    CHECK(total == 3);
  });
  REQUIRE(outcomes);
  CHECK(folds_seen == 3);
  REQUIRE(outcomes->size() == 18);
  for (const auto& o : *outcomes) {
    CHECK_FALSE(o.expected.empty());
    CHECK_FALSE(o.model.empty());
    CHECK_FALSE(o.combined.empty());
  }
  // The rules know only "опоздал" and "возврат"; the model must reach further than they do.
  const auto order = std::vector<std::string>{"delivery", "refund", "other"};
  CHECK(learn::score(*outcomes, &learn::Outcome::model, order).right >
        learn::score(*outcomes, &learn::Outcome::rules, order).right);
}

TEST_CASE("the report counts precision recall and confusion per topic", "[learn]") {
  std::vector<learn::Outcome> outcomes = {
      {"delivery", "delivery"}, {"delivery", "refund"}, {"refund", "refund"}, {"other", "refund"}};
  const auto r = learn::score(outcomes, &learn::Outcome::rules, {"delivery", "refund", "other"});
  CHECK(r.total == 4);
  CHECK(r.right == 2);
  CHECK(r.topics[0].recall() == Approx(0.5));
  CHECK(r.topics[1].precision() == Approx(1.0 / 3.0));
  CHECK(r.topics[2].predicted == 0);
  CHECK(r.confusion[2][1] == 1);
  CHECK(r.confusion[0][0] == 1);
}
