// mail: one raw RFC 5322 message in, a decoded, UTF-8, size-bounded view of it out; and the
// reverse, composing the automatic replies triaged sends. Parsing is GMime 3's (headers,
// RFC 2047/2231, transfer encodings, charsets through iconv), HTML becomes text through
// libxml2's HTML parser. No I/O, no clock, no globals visible to callers (GMime's one-time
// initialisation is internal and thread-safe). Never throws; a message GMime cannot read at
// all is a ParseError with a reason, so the caller can quarantine the bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triaged::mail {

struct Address {
  std::string name;     // display name, decoded; may be empty
  std::string address;  // addr-spec as written, e.g. "Ivan@Example.ru"; empty if none
};

// An attachment, inline image or forwarded message kept with the ticket. `data` holds the
// decoded bytes unless the part was dropped for size (then data is empty, size is the real
// decoded size and drop_reason says why).
struct Attachment {
  std::string filename;      // decoded (RFC 2231/2047); "" if the part names none
  std::string content_type;  // "image/png", lower case, no parameters
  std::string content_id;    // inline parts referenced from HTML; without <>
  bool is_inline = false;
  std::size_t size = 0;      // decoded bytes
  std::string sha256;        // hex of the decoded bytes; empty when dropped
  std::string data;
  bool dropped = false;
  std::string drop_reason;
};

struct ParseOptions {
  std::size_t max_attachment_bytes = 10 * 1024 * 1024;        // per part; larger: dropped
  std::size_t max_total_attachment_bytes = 25 * 1024 * 1024;  // per message; beyond: dropped
  std::size_t max_text_bytes = 512 * 1024;   // decoded text kept; the rest is cut at a UTF-8 boundary
  std::size_t max_html_bytes = 4 * 1024 * 1024;  // HTML larger than this is cut before conversion
  std::size_t max_header_bytes = 4096;       // one decoded header value kept in `headers`
  // The header triaged puts on its own outgoing mail; seeing it come back means a loop.
  std::string loop_header = "X-Triaged-Loop";
  // The address the message was delivered to ("support@shop.example"), if known. Mail that a
  // list server with this very address redistributed (a Google Group used as the support
  // mailbox: List-Post names it, or List-Id is its dotted form) is a person's mail, so its
  // List-* and "Precedence: list" headers do not make it automatic, and a From the group
  // rewrote to its own address is replaced by X-Original-From or Reply-To.
  std::string mailbox;
};

struct ParsedMessage {
  std::string message_id;               // without <>, "" if absent
  std::string in_reply_to;              // first msg-id of In-Reply-To, without <>
  std::vector<std::string> references;  // References msg-ids, without <>, oldest first
  std::string subject;                  // decoded UTF-8, unfolded, trimmed
  Address from;                         // first From mailbox (Sender if From is empty)
  Address reply_to;
  std::vector<Address> to;
  std::vector<Address> cc;
  std::optional<std::chrono::system_clock::time_point> date;
  // Lower-case name -> decoded value of its first occurrence (each capped at
  // max_header_bytes), for rules' header.NAME selectors and for the robot checks.
  std::map<std::string, std::string> headers;

  std::string text;             // the whole readable body, UTF-8: what the stored message shows
  std::string text_for_rules;   // `text` without quoted history and signature
  bool text_from_html = false;  // no text/plain part was usable; text was converted from HTML
  std::vector<Attachment> attachments;  // in document order, forwarded messages included

  // Why this message was sent by a machine rather than written by a person (RFC 3834 and
  // common practice), e.g. "Auto-Submitted: auto-replied", "Precedence: bulk", "list mail
  // (List-Id)", "delivery status notification"; empty for mail a person wrote. Automatic mail
  // is not a customer's request: it never becomes a ticket of its own.
  std::string automatic_reason;
  // Why no automatic reply may be sent to this message's sender; empty when one may. Every
  // automatic message has one (its automatic_reason). A person's mail can have one too:
  // "X-Auto-Response-Suppress: All" or "AutoReply" (which Outlook puts on much ordinary mail)
  // asks for no automatic answer but says nothing about who wrote it, so such mail becomes a
  // ticket like any other and only the automatic reply (a question for missing fields) is
  // withheld.
  std::string no_auto_reply_reason;
  bool is_bounce = false;                       // a delivery failure report, in any of the forms MTAs send
  // Message-IDs of the original a bounce returns: from its MIME copy, else its quoted text.
  std::vector<std::string> bounced_message_ids;
  bool has_loop_header = false;                 // carries options.loop_header

  std::vector<std::string> warnings;  // charset guessed, text cut, part dropped, ...
  bool is_automatic() const { return !automatic_reason.empty(); }
  // False for automatic mail and for mail that asks not to be answered automatically.
  bool may_auto_reply() const { return no_auto_reply_reason.empty(); }
};

struct ParseError {
  std::string reason;
};

// A ParseError only when nothing is usable: `raw` is empty or whitespace; GMime finds no
// message in it (no header block within its first lines: prose or binary garbage); or the
// message has no header, no readable text and no attachment. Everything else parses, however
// broken, with what was wrong in `warnings`: a leading BOM, whitespace or up to five stray
// lines before the headers; CR-only or CR CR LF line ends; a separator line of spaces or none;
// repeated headers (the first counts, as in mail clients); a From address without brackets or
// encoded whole; a Content-Type without subtype or invalid (text/plain, RFC 2045); a
// misspelled transfer encoding. With no other body, a named or attachment-marked text part is
// the body. A text part is read as labelled when it can be: a few bytes invalid in its charset
// (one bad byte in a UTF-8 Russian letter) become U+FFFD with a warning rather than a guess. A
// part whose label is missing, names no charset iconv knows (after common misspellings) or is
// wrong for most of its bytes is read as UTF-8 if valid, else in a charset the message declares
// elsewhere (another part, an encoded word, an HTML meta tag), else windows-1251 or KOI8-R
// (whichever reads more like Russian) when its 8-bit bytes run together like Cyrillic words and
// the result reads as Cyrillic, U+FFFD for each 8-bit byte when it does not, else windows-1252.
// Raw 8-bit header bytes are read in a charset the message declares when one fits, else guessed.
std::expected<ParsedMessage, ParseError> parse_message(std::string_view raw,
                                                        const ParseOptions& options = {});

// How well triaged read one message, the per-message half of `triagectl parse-mail --summary`:
// an admin checks a mailbox export before switching by adding these up.
struct ReadingQuality {
  bool empty_text = false;      // no readable text: nothing for rules to route on
  // Bytes lost: U+FFFD in subject, sender name and text, plus one when raw 8-bit header bytes
  // fit no charset (GMime shows them as "?").
  std::size_t replacement_characters = 0;
  // Charsets guessed, or taken from elsewhere in the message, for unlabelled or mislabelled
  // parts and raw 8-bit headers, e.g. "windows-1251"; without repeats.
  std::vector<std::string> guessed_charsets;
  bool missing_sender = false;  // no From address a reply could go to
  bool automatic = false;       // automatic_reason is set: a robot, never a ticket of its own
  bool bounce = false;
  bool clean() const {
    return !empty_text && replacement_characters == 0 && guessed_charsets.empty() && !missing_sender;
  }
};

// Read from a parsed message alone (its fields and warnings); cheap.
ReadingQuality reading_quality(const ParsedMessage& message);

// "Re: AW: Fwd: [#K7M-3QX] Где заказ" -> "[#K7M-3QX] Где заказ". Any number and mix of
// Re/RE/Fwd/Fw/AW/WG/SV/VS/Ответ/Отв/Пересл prefixes, with "[n]"/"(n)" counters.
std::string strip_reply_prefixes(std::string_view subject);

// Why an address is a machine's that reads no answers ("mailer address", "no-reply address"),
// judged by its local part alone as classify_automatic does for a From; "" for anyone else.
// For tickets that arrive without mail headers (web forms, the API) before triaged writes to
// their address.
std::string robot_address_reason(std::string_view address);

// The ticket ref in our subject tag "[#REF]" anywhere in the subject, normalised to upper
// case; nullopt when there is none.
std::optional<std::string> find_ticket_tag(std::string_view subject);
// Every "[#REF]" tag in the subject, in order, without repeats: another system's tag
// ("[#JIRA-12] Re: [#K7M-3QX] ...") may come before ours.
std::vector<std::string> find_ticket_tags(std::string_view subject);

// Removes quoted history ("> " lines, "On ... wrote:", "-----Original Message-----",
// Outlook "From: ... Sent: ..." blocks, Russian "... пишет:") and the signature ("-- " and
// common sign-offs' delimiters) from a reply's text. Never returns empty for non-empty text
// whose first line is not quoted: if trimming would remove everything, `text` is returned.
std::string trim_quoted_and_signature(std::string_view text);

// Readable text from HTML: block elements become line breaks, list items "- ", links keep
// their text, script/style/head are dropped, entities decoded, whitespace collapsed. Output
// capped at max_bytes (cut at a UTF-8 boundary).
std::string html_to_text(std::string_view html, std::size_t max_bytes = 512 * 1024);

// An outgoing automatic message. Headers are encoded by GMime (RFC 2047 for non-ASCII
// subjects and names, quoted-printable UTF-8 body).
struct OutgoingMessage {
  Address from;
  Address to;
  std::string subject;
  std::string text;
  std::string message_id;               // without <>
  std::string in_reply_to;              // without <>; "" for none
  std::vector<std::string> references;  // without <>
  std::chrono::system_clock::time_point date;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. Auto-Submitted
};

// The message as RFC 5322 bytes with CRLF line ends, ready for SMTP DATA.
std::string compose_message(const OutgoingMessage& message);

}  // namespace triaged::mail
