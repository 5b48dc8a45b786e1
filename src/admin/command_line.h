// Command lines of lashupctl, as the daemon reads them: tokens, and keys written as text.
//
// Contract:
// - `Tokenize` splits a line into tokens. Whitespace separates tokens. Single quotes group
//   literally. Double quotes group with the escapes \\ \" \n \t and \xNN (two hex digits).
//   Outside quotes a backslash takes the next character literally. An unquoted ',' or ';' is a
//   token of its own even when touching other text ("a,b" is a , b), and is the only kind of
//   token that is a separator (`IsSeparator`). A token with any quoted or backslash-escaped part
//   is `quoted`, so ",", ',' and \, are data, never separators; "" and '' are empty tokens.
//   Errors are kInvalidArgument naming the 1-based byte column: an unterminated quote, a
//   trailing backslash, a bad \x escape, an unknown escape inside double quotes.
// - `ParseKey` is the inverse of kv::KeyToString: components split on '/', each byte either
//   literal or written \xNN, so ParseKey(KeyToString(k)) == k for every valid key. The empty
//   text and empty components (a leading, trailing or doubled '/') are kInvalidArgument. It does
//   not apply kv::KeyLimits; the store does. `ParsePrefix` also takes the empty text, meaning
//   the empty prefix (every key).
// - Note the two escaping layers: a key printed as a\x2fb must reach ParseKey with its backslash,
//   so on a command line it is written 'a\x2fb' (single quotes) or a\\x2fb.
// - `QuoteArg` writes text so that `Tokenize` reads it back as one token with that text.
// Every message these functions produce is valid UTF-8 (user text in it goes through
// QuoteForMessage), so it can be put in JSON as is. Stateless; safe from any thread.
#ifndef LASHUP_ADMIN_COMMAND_LINE_H_
#define LASHUP_ADMIN_COMMAND_LINE_H_

#include <string>
#include <string_view>
#include <vector>

#include "kv/key_path.h"
#include "lashup/status.h"

namespace lashup::admin {

struct Token {
  std::string text;
  bool quoted = false;  // some part was quoted or escaped: data, never a separator
  friend bool operator==(const Token&, const Token&) = default;
};

Result<std::vector<Token>> Tokenize(std::string_view line);

// An unquoted "," or ";".
bool IsSeparator(const Token& token);

Result<kv::KeyPath> ParseKey(std::string_view text);
Result<kv::KeyPath> ParsePrefix(std::string_view text);

// The text bare when that reads back unchanged (non-empty; no whitespace, quotes, backslashes,
// separators, control bytes or invalid UTF-8), otherwise double-quoted with escapes.
std::string QuoteArg(std::string_view text);

// User text for error messages: always double-quoted as QuoteArg would, cut after 64 bytes and
// then marked with "...".
std::string QuoteForMessage(std::string_view text);

}  // namespace lashup::admin

#endif  // LASHUP_ADMIN_COMMAND_LINE_H_
