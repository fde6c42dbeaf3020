// build_rule_set(): every semantic check of a rule set, then compilation. After this, route()
// has no error path: references are resolved to pointers and patterns are compiled.
#include <algorithm>
#include <set>

#include "acknowledgement_check.h"
#include "routing/model.h"

#include "compiled.h"
#include "match_index.h"
#include "sla_build.h"
#include "text.h"

namespace triaged::routing {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// A trace line names the condition; the matches say what fired. Listing all 80 keywords of a
// big `words` list in every stored trace would bloat each ticket by kilobytes.
std::string join_capped(const std::vector<std::string>& items) {
  constexpr std::size_t kShown = 6;
  if (items.size() <= kShown + 1) return join(items);
  std::vector<std::string> head(items.begin(), items.begin() + kShown);
  return join(head) + ", ... " + std::to_string(items.size() - kShown) + " more";
}

// Long regexes are cut in the trace for the same reason; the path leads to the full text.
std::string shorten(const std::string& s) {
  constexpr std::size_t kMax = 80;
  if (s.size() <= kMax) return s;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return s.substr(0, cut) + "...";
}

// A trailing * on a word makes it a prefix: `достав*` matches доставка, доставили, ...
std::vector<Term> phrase_terms(std::string_view written, Stemmers& stemmers) {
  std::vector<Term> terms;
  const std::string_view rest = trim(written);
  for (const Token& t : analyze(rest, stemmers)) {
    const std::size_t end = t.offset + t.length;
    const bool prefix = end < rest.size() && rest[end] == '*';
    terms.push_back({prefix ? t.folded : t.stem, prefix});
  }
  return terms;
}

class Builder {
 public:
  explicit Builder(RuleSet::Impl& impl) : impl_(impl), stemmers_(impl.spec.languages) {}

  Diagnostics run() {
    check_languages();
    impl_.negation = negation_words(impl_.spec.languages, stemmers_, impl_.spec.negation.before,
                                    impl_.spec.negation.after);
    check_departments();
    compile_fields();
    check_templates();
    index_named_conditions();
    compile_topics();
    check_sla(impl_, departments_, errors_);
    check_acknowledgement(impl_.spec, errors_);
    check_satisfaction(impl_.spec, errors_);
    // A named condition used by several topics reports its own problems once.
    Diagnostics unique;
    for (auto& e : errors_) {
      const bool seen = std::any_of(unique.begin(), unique.end(), [&](const Diagnostic& u) {
        return u.where == e.where && u.message == e.message;
      });
      if (!seen) unique.push_back(std::move(e));
    }
    return unique;
  }

 private:
  void error(const std::string& where, std::string message) {
    errors_.push_back({where, std::move(message)});
  }

  std::shared_ptr<const re2::RE2> compile_regex(const std::string& pattern, const std::string& where,
                                                const std::string& what) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(pattern, options);
    if (!re->ok()) {
      error(where, what + ": invalid regex " + quoted(pattern) + ": " + re->error());
      return nullptr;
    }
    return re;
  }

  void check_languages() {
    for (const auto& l : impl_.spec.languages)
      if (!is_supported_language(l))
        error("", "unknown language " + quoted(l) + " (supported: " + join(language_codes()) + ")");
  }

  void check_departments() {
    std::set<std::string> seen;
    if (impl_.spec.departments.empty()) error("", "no departments defined");
    for (const auto& d : impl_.spec.departments) {
      if (d.id.empty()) error(d.where, "department with an empty id");
      if (!seen.insert(d.id).second) error(d.where, "duplicate department " + quoted(d.id));
      departments_.insert(d.id);
    }
  }

  void compile_fields() {
    // Requester data counts as fields of these names unless the rule set declares its own.
    static const std::pair<const char*, FieldType> kImplicit[] = {
        {"name", FieldType::string}, {"email", FieldType::email}, {"phone", FieldType::phone}};
    impl_.implicit_fields.reserve(std::size(kImplicit));
    std::set<std::string> seen;
    for (const auto& f : impl_.spec.fields) {
      if (!seen.insert(f.id).second) {
        error(f.where, "duplicate field " + quoted(f.id));
        continue;
      }
      CompiledField cf{&f, nullptr, {}};
      if (f.pattern) cf.pattern = compile_regex(*f.pattern, f.where, "field " + quoted(f.id) + " pattern");
      for (const std::string& pattern : f.extract) {
        auto re = compile_regex(pattern, f.where, "field " + quoted(f.id) + " extract");
        if (re && re->NumberOfCapturingGroups() > 1)
          error(f.where, "field " + quoted(f.id) + " extract: use at most one capturing group, " +
                             "its text is the value (use (?:...) for the others)");
        if (re) cf.extract.push_back(std::move(re));
      }
      if (f.type == FieldType::enumeration && f.values.empty())
        error(f.where, "field " + quoted(f.id) + " of type enum needs a list of values");
      if (f.type != FieldType::enumeration && !f.values.empty())
        error(f.where, "field " + quoted(f.id) + ": values are only allowed for type enum");
      if (f.min && f.max && *f.min > *f.max)
        error(f.where, "field " + quoted(f.id) + ": min is greater than max");
      impl_.fields[f.id] = cf;
    }
    for (const auto& [id, type] : kImplicit) {
      if (impl_.fields.count(id)) continue;
      FieldSpec f;
      f.id = id;
      f.title = id;
      f.type = type;
      impl_.implicit_fields.push_back(f);
      impl_.fields[id] = CompiledField{&impl_.implicit_fields.back(), nullptr, {}};
    }
  }

  void check_field_ref(const std::string& field, const std::string& where, const std::string& owner) {
    if (!impl_.fields.count(field)) error(where, owner + ": unknown field " + quoted(field));
  }

  void check_templates() {
    for (const auto& t : impl_.spec.templates) {
      const std::string owner = "template " + quoted(t.id);
      if (templates_.count(t.id)) error(t.where, "duplicate template " + quoted(t.id));
      templates_[t.id] = &t;
      std::set<std::string> listed;
      auto note = [&](const std::string& f) {
        check_field_ref(f, t.where, owner);
        if (!listed.insert(f).second) error(t.where, owner + ": field " + quoted(f) + " listed twice");
      };
      for (const auto& f : t.required) note(f);
      for (const auto& f : t.optional) note(f);
      for (const auto& group : t.at_least_one_of) {
        if (group.size() < 2) error(t.where, owner + ": an at_least_one_of group needs two or more fields");
        for (const auto& f : group) check_field_ref(f, t.where, owner);
      }
    }
  }

  void index_named_conditions() {
    for (const auto& n : impl_.spec.conditions) {
      if (n.id.empty()) error(n.where, "named condition with an empty id");
      if (!named_.emplace(n.id, &n).second) error(n.where, "duplicate named condition " + quoted(n.id));
    }
  }

  void compile_topics() {
    std::set<std::string> seen;
    impl_.topics.reserve(impl_.spec.topics.size());
    for (const auto& t : impl_.spec.topics) {
      const std::string owner = "topic " + quoted(t.id);
      if (t.id.empty()) error(t.where, "topic with an empty id");
      if (!seen.insert(t.id).second) error(t.where, "duplicate topic " + quoted(t.id));
      if (!departments_.count(t.department))
        error(t.where, owner + ": unknown department " + quoted(t.department));
      CompiledTopic ct{&t, std::nullopt, nullptr};
      if (!t.template_id.empty()) {
        auto it = templates_.find(t.template_id);
        if (it == templates_.end()) error(t.where, owner + ": unknown template " + quoted(t.template_id));
        else ct.template_spec = it->second;
      }
      if (t.is_default) {
        if (t.when) error(t.where, owner + ": the default topic takes what nothing else matched; remove its `when`");
        if (has_default_) error(t.where, owner + ": a second default topic (only one may set default: true)");
        has_default_ = true;
      } else if (!t.when) {
        error(t.where, owner + ": needs `when` conditions (or default: true)");
      } else {
        ct.when = compile_condition(*t.when, t.id + "/when");
      }
      if (t.is_default && (t.unless || !t.signals.empty() || t.decisive))
        error(t.where, owner + ": the default topic is never scored; remove `unless`, `signals` and `decisive`");
      if (t.unless && !t.is_default) ct.unless = compile_condition(*t.unless, t.id + "/unless");
      for (std::size_t i = 0; i < t.signals.size() && !t.is_default; ++i)
        ct.signals.push_back({t.signals[i].weight, compile_condition(t.signals[i].condition,
                                                                     t.id + "/signals[" + std::to_string(i) + "]")});
      if (!(t.weight > 0)) error(t.where, owner + ": weight must be greater than 0");
      impl_.topics.push_back(std::move(ct));
    }
    if (!has_default_) error("", "no default topic: mark one topic with default: true");
    for (const auto& ct : impl_.topics) {
      impl_.topics_by_id.emplace(ct.spec->id, &ct);
      if (ct.spec->is_default) impl_.default_topic = &ct;
    }
  }

  Selector parse_selector(const ConditionSpec& c) {
    Selector s;
    s.label = c.selector;
    static const std::pair<const char*, SelectorKind> kPlain[] = {
        {"subject", SelectorKind::subject}, {"body", SelectorKind::body},
        {"text", SelectorKind::text},       {"from", SelectorKind::from},
        {"from_domain", SelectorKind::from_domain}, {"channel", SelectorKind::channel}};
    for (const auto& [name, kind] : kPlain)
      if (c.selector == name) {
        s.kind = kind;
        return s;
      }
    auto dotted = [&](const std::string& prefix, SelectorKind kind) {
      if (c.selector.rfind(prefix, 0) != 0) return false;
      s.kind = kind;
      s.name = c.selector.substr(prefix.size());
      if (s.name.empty()) error(c.where, "selector " + quoted(c.selector) + " needs a name after the dot");
      return true;
    };
    if (dotted("field.", SelectorKind::field)) {
      if (!s.name.empty()) check_field_ref(s.name, c.where, "selector " + quoted(c.selector));
      return s;
    }
    if (dotted("header.", SelectorKind::header)) {
      s.name = fold(s.name);
      return s;
    }
    error(c.where, "unknown selector " + quoted(c.selector) +
                       " (expected subject, body, text, from, from_domain, channel, field.NAME or header.NAME)");
    return s;
  }

  Phrase compile_phrase(const std::string& written, const std::string& where) {
    Phrase p;
    p.written = written;
    p.terms = phrase_terms(written, stemmers_);
    if (p.terms.empty()) error(where, "keyword " + quoted(written) + " has no letters or digits");
    return p;
  }

  CompiledCondition compile_condition(const ConditionSpec& c, const std::string& path) {
    CompiledCondition out;
    out.kind = c.kind;
    out.path = path;
    using Kind = ConditionSpec::Kind;
    using Op = ConditionSpec::Op;
    if (c.kind == Kind::use) return compile_use(c, path);
    if (c.kind != Kind::match) {
      const char* name = c.kind == Kind::all ? "all" : c.kind == Kind::any ? "any" : "not";
      if (c.kind == Kind::not_ && c.children.size() != 1)
        error(c.where, "`not` takes exactly one condition");
      if (c.children.empty()) error(c.where, std::string("`") + name + "` needs at least one condition");
      for (std::size_t i = 0; i < c.children.size(); ++i) {
        std::string child = path + "." + name;
        if (c.kind != Kind::not_) child += "[" + std::to_string(i) + "]";
        out.children.push_back(compile_condition(c.children[i], child));
      }
      return out;
    }
    out.selector = parse_selector(c);
    out.op = c.op;
    out.exists = c.exists;
    out.negation = c.negation;
    const std::string what = c.selector + " " + to_string(c.op);
    if (c.negation != Negation::any) {
      if (c.op != Op::words && c.op != Op::all_words && c.op != Op::near)
        error(c.where, what + ": `negated` applies to words, all_words and near only");
      impl_.reads_negation = true;
    }
    switch (c.op) {
      case Op::words:
      case Op::all_words:
        if (c.values.empty()) error(c.where, what + ": needs at least one word or phrase");
        for (const auto& v : c.values) out.phrases.push_back(compile_phrase(v, c.where));
        out.first_phrase = impl_.phrase_count;
        impl_.phrase_count += static_cast<std::uint32_t>(out.phrases.size());
        out.description = what + " [" + join_capped(c.values) + "]";
        break;
      case Op::regex:
        if (c.values.size() != 1) error(c.where, what + ": needs exactly one pattern");
        else out.regex = compile_regex(c.values[0], c.where, what);
        out.regex_id = impl_.regex_count++;
        out.description = what + " /" + shorten(c.values.empty() ? "" : c.values[0]) + "/";
        break;
      case Op::equals:
      case Op::in:
        if (c.values.empty() || (c.op == Op::equals && c.values.size() != 1))
          error(c.where, what + (c.op == Op::equals ? ": needs exactly one value" : ": needs at least one value"));
        for (const auto& v : c.values) out.folded_values.push_back(fold(trim(v)));
        out.description = what + (c.op == Op::equals ? " " + quoted(c.values.empty() ? "" : c.values[0])
                                                     : " [" + join_capped(c.values) + "]");
        break;
      case Op::exists:
        out.description = c.selector + (c.exists ? " exists" : " is absent");
        break;
      case Op::near:
        if (c.values.empty() || c.near_values.empty())
          error(c.where, what + ": needs words on both sides (`words` and `with`)");
        if (c.within < 0) error(c.where, what + ": `within` must be 0 (same sentence) or more words");
        for (const auto& v : c.values) out.phrases.push_back(compile_phrase(v, c.where));
        out.near_split = out.phrases.size();
        for (const auto& v : c.near_values) out.phrases.push_back(compile_phrase(v, c.where));
        out.within = c.within;
        out.first_phrase = impl_.phrase_count;
        impl_.phrase_count += static_cast<std::uint32_t>(out.phrases.size());
        out.description = what + " [" + join_capped(c.values) + "] with [" + join_capped(c.near_values) + "] " +
                          (c.within > 0 ? "within " + std::to_string(c.within) + " words" : "in one sentence");
        break;
    }
    if (c.negation != Negation::any) out.description += std::string(", ") + to_string(c.negation);
    return out;
  }

  // `use: NAME` compiles the named condition in place; its trace paths say where it came from.
  CompiledCondition compile_use(const ConditionSpec& c, const std::string& path) {
    auto it = named_.find(c.ref);
    if (it == named_.end()) {
      error(c.where, "unknown named condition " + quoted(c.ref));
      return {};
    }
    if (std::find(using_.begin(), using_.end(), c.ref) != using_.end()) {
      error(c.where, "named condition " + quoted(c.ref) + " uses itself (" + join(using_, " -> ") + " -> " + c.ref + ")");
      return {};
    }
    using_.push_back(c.ref);
    CompiledCondition out = compile_condition(it->second->condition, path + "(" + c.ref + ")");
    using_.pop_back();
    return out;
  }

  RuleSet::Impl& impl_;
  Stemmers stemmers_;
  Diagnostics errors_;
  std::set<std::string> departments_;
  std::map<std::string, const TemplateSpec*> templates_;
  std::map<std::string, const NamedConditionSpec*> named_;
  std::vector<std::string> using_;  // named conditions being compiled, outermost first
  bool has_default_ = false;
};

}  // namespace

namespace {

void build_extract_set(RuleSet::Impl& impl) {
  re2::RE2::Options options;  // as compile_regex() builds each pattern, so the set agrees with them
  options.set_log_errors(false);
  auto set = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
  bool any = false;
  for (auto& [id, field] : impl.fields)
    for (const auto& re : field.extract) {
      field.extract_in_set.push_back(set->Add(re->pattern(), nullptr));
      any = any || field.extract_in_set.back() >= 0;
    }
  if (any && set->Compile()) {
    impl.extract_set = std::move(set);
    return;
  }
  for (auto& [id, field] : impl.fields) field.extract_in_set.assign(field.extract.size(), -1);
}

}  // namespace

std::expected<std::shared_ptr<const RuleSet>, Diagnostics> build_rule_set(RuleSetSpec spec, ModelInput model) {
  auto impl = std::make_unique<RuleSet::Impl>();
  impl->spec = std::move(spec);
  Diagnostics errors = Builder(*impl).run();
  if (!errors.empty()) return std::unexpected(std::move(errors));
  build_match_index(*impl);
  build_extract_set(*impl);
  impl->stemmers = std::make_unique<StemmerPool>(impl->spec.languages);
  impl->model_problem = std::move(model.problem);
  if (model.model) {
    if (std::string why = model_mismatch(*model.model, impl->spec); !why.empty()) impl->model_problem = why;
    else impl->model = std::move(model.model);
  }
  // The model reads negated words as features of their own, so it needs them marked too.
  if (impl->model && model_data(*impl->model).features.negation) impl->reads_negation = true;
  return std::make_shared<const RuleSet>(std::move(impl));
}

std::vector<std::string> supported_languages() { return language_codes(); }

std::string keyword_key(const std::vector<std::string>& languages, std::string_view phrase) {
  std::vector<std::string> usable;
  for (const auto& l : languages)
    if (is_supported_language(l)) usable.push_back(l);
  Stemmers stemmers(usable);
  std::string key;
  for (const Term& t : phrase_terms(phrase, stemmers))
    key += (key.empty() ? "" : " ") + t.text + (t.prefix ? "*" : "");
  return key;
}

}  // namespace triaged::routing
