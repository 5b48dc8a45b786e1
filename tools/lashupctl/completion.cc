#include "completion.h"

#include <algorithm>
#include <set>

namespace lashup::ctl {
namespace {

struct Word {
  std::string text;
  bool separator = false;  // an unquoted ',' or ';'
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// A light version of the daemon's tokenizer, enough to count words and spot separators: quotes
// group, a backslash takes the next character, escapes inside double quotes stay as typed.
std::vector<Word> SplitWords(std::string_view line) {
  std::vector<Word> words;
  std::optional<Word> current;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        current->text.push_back(c);
      }
    } else if (IsSpace(c) || c == ',' || c == ';') {
      if (current) words.push_back(std::move(*current));
      current.reset();
      if (c == ',' || c == ';') words.push_back({std::string(1, c), true});
    } else {
      if (!current) current = Word{};
      if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '\\' && i + 1 < line.size()) {
        current->text.push_back(line[++i]);
      } else {
        current->text.push_back(c);
      }
    }
  }
  if (current) words.push_back(std::move(*current));
  return words;
}

bool OneOf(std::string_view word, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), word) != options.end();
}

// After `op KEY`: an op verb is due at the start of each op and after `in MAPFIELD`.
WordKind ClassifyOpWord(const std::vector<Word>& words) {
  bool verb_due = true;
  bool field_due = false;
  for (size_t i = 2; i < words.size(); ++i) {
    if (words[i].separator) {
      verb_due = true;
      field_due = false;
    } else if (field_due) {
      field_due = false;
      verb_due = true;
    } else if (verb_due) {
      verb_due = false;
      field_due = words[i].text == "in";
    }
  }
  return verb_due && !field_due ? WordKind::kOpVerb : WordKind::kNone;
}

bool NeedsBackslash(char c) {
  return IsSpace(c) || c == '\'' || c == '"' || c == '\\' || c == ',' || c == ';';
}

}  // namespace

WordKind ClassifyWord(std::string_view line_before_word) {
  const std::vector<Word> words = SplitWords(line_before_word);
  if (words.empty()) return WordKind::kCommand;
  const std::string& command = words[0].text;
  if (words.size() == 1) {
    if (command == "help") return WordKind::kCommand;
    if (command == "mc") return WordKind::kMcVerb;
    if (OneOf(command, {"get", "keys", "watch", "op", "del"})) return WordKind::kKey;
    if (OneOf(command, {"reachable", "tree"})) return WordKind::kNode;
    return WordKind::kNone;
  }
  if (command == "op") return ClassifyOpWord(words);
  return WordKind::kNone;
}

std::vector<std::string> KeyCandidates(const std::vector<std::string>& keys,
                                       std::string_view typed) {
  std::set<std::string> candidates;
  for (const std::string& key : keys) {
    if (key.size() < typed.size() || key.compare(0, typed.size(), typed) != 0) continue;
    const size_t slash = key.find('/', typed.size());
    candidates.insert(slash == std::string::npos ? key : key.substr(0, slash + 1));
  }
  return {candidates.begin(), candidates.end()};
}

std::string KeyPrefixToQuery(std::string_view typed) {
  const size_t slash = typed.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(typed.substr(0, slash));
}

std::vector<std::string> WordCandidates(const std::vector<std::string>& words,
                                        std::string_view typed) {
  std::vector<std::string> candidates;
  for (const std::string& word : words) {
    if (word.compare(0, typed.size(), typed) == 0) candidates.push_back(word);
  }
  return candidates;
}

std::optional<std::string> QuoteForLine(std::string_view text, char open_quote) {
  if (open_quote == '\'') {
    if (text.find('\'') != std::string_view::npos) return std::nullopt;
    return std::string(text);
  }
  std::string out;
  for (char c : text) {
    const bool escape = open_quote == '"' ? (c == '\\' || c == '"') : NeedsBackslash(c);
    if (escape) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string UnquoteTyped(std::string_view typed, char open_quote) {
  if (open_quote == '\'') return std::string(typed);
  std::string out;
  for (size_t i = 0; i < typed.size(); ++i) {
    const bool escaped_pair = typed[i] == '\\' && i + 1 < typed.size() &&
                              (open_quote == 0 || typed[i + 1] == '\\' || typed[i + 1] == '"');
    if (escaped_pair) {
      out.push_back(typed[++i]);
    } else if (!(typed[i] == '\\' && i + 1 == typed.size() && open_quote == 0)) {
      out.push_back(typed[i]);  // a trailing lone backslash is an escape not yet finished
    }
  }
  return out;
}

const std::vector<std::string>& BuiltinCommands() {
  static const auto* commands = new std::vector<std::string>{
      "del",     "exit", "get",  "help",      "info", "keys",  "mc",   "members",
      "metrics", "op",   "quit", "reachable", "tree", "views", "watch"};
  return *commands;
}

const std::vector<std::string>& McVerbs() {
  static const auto* verbs = new std::vector<std::string>{"send", "watch"};
  return *verbs;
}

const std::vector<std::string>& OpVerbs() {
  static const auto* verbs = new std::vector<std::string>{
      "add", "assign", "decr", "disable", "drop", "enable", "in", "incr", "remove"};
  return *verbs;
}

}  // namespace lashup::ctl
