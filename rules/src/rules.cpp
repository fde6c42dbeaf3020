// The public entry points: text -> structure (spec_parser) -> RuleSet (routing) -> inline
// tests. Each stage runs only if the one before it found nothing wrong, because a broken
// structure would make the later stages report consequences instead of causes (a misspelt
// `department` key would come back as a dangling department "").
#include "rules/rules.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>

#include "inline_tests.h"
#include "routing/model.h"
#include "spec_parser.h"
#include "yaml_reader.h"

namespace triaged::rules {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Digits of the SHA-256 kept in the version: enough to tell rule sets apart in logs and
// ticket records, short enough to read out loud.
constexpr std::size_t kVersionHexDigits = 16;

std::string content_version(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    return "sha256:unavailable";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (std::size_t i = 0; i < kVersionHexDigits / 2 && i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace

// The one place yaml-cpp exceptions are caught: a syntax error becomes a located diagnostic.
std::optional<ParsedRules> parse_document(std::string_view text, const std::string& source,
                                          routing::Diagnostics& diagnostics) {
  // yaml-cpp skips a BOM without counting it; dropping it here keeps marks aligned with text.
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  const std::string owned(text);
  const SourceMap map(source, owned);
  Reader reader(map, diagnostics);
  try {
    const FirstDocument document = load_first_document(owned);
    if (document.documents == 0) {
      reader.error(source,
                   "empty rule set (expected a mapping with version, name, departments "
                   "and topics)");
      return std::nullopt;
    }
    if (document.documents > 1)
      reader.error(map.where(document.second),
                   "a second YAML document (a rule set file holds exactly one)");
    ParsedRules parsed = parse_rules(document.node, reader);
    if (reader.error_count() == 0) return parsed;
  } catch (const YAML::Exception& e) {
    reader.error(map.where(e.mark), "invalid YAML: " + e.msg);
  }
  return std::nullopt;
}

namespace {

std::expected<std::string, std::string> read_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::unexpected(path + ": " + std::strerror(errno));
  std::string text;
  char buffer[1 << 14];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) return std::unexpected(path + ": " + std::strerror(error));
  return text;
}

// The model file beside the rule set: `file` relative to the folder of `source`.
std::expected<std::string, std::string> read_beside(const std::string& source, const std::string& file) {
  if (file.starts_with("/")) return read_file(file);
  const auto slash = source.rfind('/');
  return read_file(slash == std::string::npos ? file : source.substr(0, slash + 1) + file);
}

// The model the spec names, read and compiled; or the reason there is none.
routing::ModelInput load_model(const routing::RuleSetSpec& spec, const std::string& source,
                               const ModelReader& read_model, std::string& version) {
  if (!spec.model || spec.model->use == routing::ModelUse::off) return {};
  const std::string& file = spec.model->file;
  auto text = read_model ? read_model(file) : read_beside(source, file);
  if (!text) return {nullptr, "model " + file + " cannot be read (" + text.error() + "); routing by rules alone"};
  auto data = routing::parse_model(*text);
  if (!data) return {nullptr, "model " + file + " is not a valid model (" + data.error() + "); routing by rules alone"};
  version = content_version(*text);
  return {routing::compile_model(std::move(*data), version), ""};
}

std::expected<LoadedRules, routing::Diagnostics> load(std::string_view text,
                                                      const std::string& source, const ModelReader& read_model) {
  routing::Diagnostics diagnostics;
  std::optional<ParsedRules> parsed = parse_document(text, source, diagnostics);
  if (!parsed) return std::unexpected(std::move(diagnostics));
  const std::string version = content_version(text);
  parsed->spec.version = version;
  std::string model_version;
  routing::ModelInput model = load_model(parsed->spec, source, read_model, model_version);
  auto built = routing::build_rule_set(std::move(parsed->spec), std::move(model));
  if (!built) {
    // Rule-set-wide problems (no default topic, unknown language) have no element to point
    // at; the file is still worth naming.
    for (auto& d : built.error())
      if (d.where.empty()) d.where = source;
    return std::unexpected(std::move(built.error()));
  }
  InlineTestResults results = run_inline_tests(**built, parsed->tests);
  const bool model_missing = (*built)->spec().model && (*built)->spec().model->use != routing::ModelUse::off &&
                             (*built)->model() == nullptr;
  if (!results.failures.empty() && !model_missing) return std::unexpected(std::move(results.failures));
  LoadedRules out{std::move(*built), source, std::string(text), version, results.passed};
  if (out.rules->model() != nullptr) out.model_version = model_version;
  out.tests_failed_without_model = results.failures.size();
  return out;
}

}  // namespace

std::expected<routing::RuleSetSpec, routing::Diagnostics> parse_rules_text(
    std::string_view text, const std::string& source) {
  try {
    routing::Diagnostics diagnostics;
    std::optional<ParsedRules> parsed = parse_document(text, source, diagnostics);
    if (!parsed) return std::unexpected(std::move(diagnostics));
    parsed->spec.version = content_version(text);
    return std::move(parsed->spec);
  } catch (const std::exception& e) {
    return std::unexpected(
        routing::Diagnostics{{source, std::string("internal error: ") + e.what()}});
  }
}

std::expected<LoadedRules, routing::Diagnostics> load_rules_text(std::string_view text,
                                                                 const std::string& source,
                                                                 const ModelReader& read_model) {
  // Nothing may escape the public API; yaml-cpp's exceptions are handled in parse(), this
  // is for the unexpected (allocation failure and the like).
  try {
    return load(text, source, read_model);
  } catch (const std::exception& e) {
    return std::unexpected(
        routing::Diagnostics{{source, std::string("internal error: ") + e.what()}});
  }
}

std::expected<LoadedRules, routing::Diagnostics> load_rules_file(const std::string& path) {
  std::FILE* probe = std::fopen(path.c_str(), "rb");
  if (probe == nullptr)
    return std::unexpected(
        routing::Diagnostics{{path, std::string("cannot open rule set: ") + std::strerror(errno)}});
  std::fclose(probe);
  auto text = read_file(path);
  if (!text) return std::unexpected(routing::Diagnostics{{path, "cannot read rule set: " + text.error().substr(path.size() + 2)}});
  return load_rules_text(*text, path);
}

}  // namespace triaged::rules
