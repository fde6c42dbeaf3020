// HTML to readable text over libxml2's recovering HTML parser: the parser copes with tag soup
// and decodes entities; this file only decides where line breaks go and what is dropped.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mail/message.h"
#include "text_utf8.h"

namespace triaged::mail {
namespace {

using detail::ascii_lower;

// Accumulates text, collapsing whitespace and turning requested breaks into at most one blank
// line, so the many nested divs of real HTML mail do not become screens of empty lines.
class TextBuilder {
 public:
  explicit TextBuilder(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  bool full() const { return out_.size() >= max_bytes_; }

  // <blockquote> is how HTML mail quotes history; as "> " lines, the reply trimmer sees it.
  void enter_quote() { ++quote_depth_; }
  void leave_quote() { --quote_depth_; }

  void request_break(int newlines) { pending_newlines_ = std::max(pending_newlines_, newlines); }
  void line_break() { pending_newlines_ = std::min(pending_newlines_ + 1, 2); }

  void append_text(std::string_view text, bool preformatted) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      const bool nbsp = c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0';
      if (preformatted && c == '\n') {
        line_break();
        continue;
      }
      if (nbsp || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        if (nbsp) ++i;
        pending_space_ = true;
        continue;
      }
      flush_pending();
      out_ += c;
    }
  }

  // Text that must appear verbatim at the start of a line, e.g. a list bullet.
  void append_marker(std::string_view marker) {
    flush_pending();
    out_ += marker;
    pending_space_ = false;
  }

  std::string finish() {
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n')) out_.pop_back();
    return std::string(detail::cut_at_utf8_boundary(out_, max_bytes_));
  }

 private:
  void flush_pending() {
    if (!out_.empty() && pending_newlines_ > 0) {
      while (!out_.empty() && out_.back() == ' ') out_.pop_back();
      int already = 0;
      for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n' && already < 2; ++it) ++already;
      for (int i = already; i < pending_newlines_; ++i) {
        // A blank line inside a quote stays part of it, so the quoted run is not split.
        if (i > 0 && quote_depth_ > 0) out_ += std::string(quote_depth_, '>');
        out_ += '\n';
      }
    } else if (!out_.empty() && pending_space_ && out_.back() != '\n' && out_.back() != ' ') {
      out_ += ' ';
    }
    pending_newlines_ = 0;
    pending_space_ = false;
    if (quote_depth_ > 0 && (out_.empty() || out_.back() == '\n')) out_ += std::string(quote_depth_, '>') + " ";
  }

  std::string out_;
  std::size_t max_bytes_;
  int pending_newlines_ = 0;
  bool pending_space_ = false;
  int quote_depth_ = 0;
};

enum class Layout { kInline, kLine, kParagraph, kDropped };

Layout layout_of(std::string_view tag) {
  static constexpr std::string_view kDropped[] = {"script", "style", "head", "title", "noscript",
                                                  "template", "object", "iframe", "svg"};
  static constexpr std::string_view kParagraph[] = {"p", "h1", "h2", "h3", "h4", "h5", "h6",
                                                    "ul", "ol", "dl", "table", "blockquote",
                                                    "pre", "hr", "address", "figure"};
  static constexpr std::string_view kLine[] = {"div", "li", "tr", "dt", "dd", "section",
                                               "article", "header", "footer", "nav", "main",
                                               "aside", "form", "center", "caption", "fieldset"};
  if (std::ranges::find(kDropped, tag) != std::end(kDropped)) return Layout::kDropped;
  if (std::ranges::find(kParagraph, tag) != std::end(kParagraph)) return Layout::kParagraph;
  if (std::ranges::find(kLine, tag) != std::end(kLine)) return Layout::kLine;
  return Layout::kInline;
}

struct WalkState {
  int list_depth = 0;
  int pre_depth = 0;
};

// libxml2 caps tree depth at 256 without HTML_PARSE_HUGE, which bounds this recursion.
void walk(xmlNode* node, TextBuilder& out, WalkState& state) {
  for (; node != nullptr && !out.full(); node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content != nullptr) {
        out.append_text(reinterpret_cast<const char*>(node->content), state.pre_depth > 0);
      }
      continue;
    }
    if (node->type != XML_ELEMENT_NODE || node->name == nullptr) continue;
    const std::string tag = ascii_lower(reinterpret_cast<const char*>(node->name));
    const Layout layout = layout_of(tag);
    if (layout == Layout::kDropped) continue;
    if (tag == "br") {
      out.line_break();
      continue;
    }
    if (tag == "td" || tag == "th") out.append_text(" ", false);
    const bool is_list = tag == "ul" || tag == "ol";
    // A list nested in an item is a line break, not a paragraph: the outer list goes on.
    const bool nested_list = is_list && state.list_depth > 0;
    const int breaks = nested_list ? 1 : layout == Layout::kParagraph ? 2 : layout == Layout::kLine ? 1 : 0;
    if (breaks > 0) out.request_break(breaks);
    if (is_list) ++state.list_depth;
    if (tag == "pre") ++state.pre_depth;
    if (tag == "blockquote") out.enter_quote();
    if (tag == "li") {
      out.append_marker(std::string(2 * std::max(state.list_depth - 1, 0), ' ') + "- ");
    }
    walk(node->children, out, state);
    if (is_list) --state.list_depth;
    if (tag == "pre") --state.pre_depth;
    if (tag == "blockquote") out.leave_quote();
    if (breaks > 0) out.request_break(breaks);
  }
}

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

}  // namespace

std::string html_to_text(std::string_view html, std::size_t max_bytes) {
  if (html.empty() || max_bytes == 0) return {};
  // libxml2 must be initialised once before threads parse concurrently.
  static std::once_flag parser_initialised;
  std::call_once(parser_initialised, [] { xmlInitParser(); });
  const std::string clean = detail::clean_utf8(html);
  // The caller already decoded the part's charset, so a <meta charset> must not override it.
  std::unique_ptr<xmlDoc, XmlDocFree> doc(htmlReadMemory(
      clean.data(), static_cast<int>(std::min<std::size_t>(clean.size(), INT32_MAX)), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING));
  if (!doc) return {};
  TextBuilder out(max_bytes);
  WalkState state;
  walk(xmlDocGetRootElement(doc.get()), out, state);
  return detail::clean_utf8(out.finish());
}

}  // namespace triaged::mail
