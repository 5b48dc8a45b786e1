// What Tab offers in the lashupctl shell, as pure functions over the line typed so far.
//
// Contract:
// - `ClassifyWord` says what the word being completed is, from the text before it (readline
//   passes that; a quote opening the word is not part of it): a command name (first word, or
//   after `help`), an mc verb (after `mc`), a key (the first argument of get, keys, watch, op
//   and del), an op verb (after `op KEY`, after a ',' or ';' separator, or after `in MAP`), a
//   node (the argument of reachable and tree), or nothing to offer.
// - Keys complete component by component: `KeyCandidates` offers each key that starts with the
//   typed text cut after the next '/' past it (so "a/b/" when more components follow, "a/b" for
//   the key itself), sorted and without duplicates. `KeyPrefixToQuery` is the prefix to ask
//   the daemon's `keys` for: the typed text up to its last '/', or "" (every key). Keys here
//   are as the daemon prints them: components joined by '/', odd bytes written \xNN.
// - `QuoteForLine` writes a word so the daemon's tokenizer (src/admin/command_line.h) reads it
//   back unchanged, in the quoting the cursor is in: 0 (none: unsafe characters get a
//   backslash), '\'' (verbatim; nullopt when the word holds a single quote) or '"' (backslash
//   before '\\' and '"'). `UnquoteTyped` undoes that for the unfinished word typed so far.
// Stateless; safe from any thread.
#ifndef LASHUP_TOOLS_LASHUPCTL_COMPLETION_H_
#define LASHUP_TOOLS_LASHUPCTL_COMPLETION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lashup::ctl {

enum class WordKind : uint8_t { kNone, kCommand, kMcVerb, kKey, kOpVerb, kNode };

WordKind ClassifyWord(std::string_view line_before_word);

std::vector<std::string> KeyCandidates(const std::vector<std::string>& keys,
                                       std::string_view typed);
std::string KeyPrefixToQuery(std::string_view typed);

// The words that start with `typed`, in the order given.
std::vector<std::string> WordCandidates(const std::vector<std::string>& words,
                                        std::string_view typed);

std::optional<std::string> QuoteForLine(std::string_view text, char open_quote);
std::string UnquoteTyped(std::string_view typed, char open_quote);

// Commands the shell knows without asking the daemon (its own quit and exit included).
const std::vector<std::string>& BuiltinCommands();
const std::vector<std::string>& McVerbs();
const std::vector<std::string>& OpVerbs();

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_COMPLETION_H_
