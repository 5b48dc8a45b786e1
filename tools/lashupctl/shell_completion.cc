#include "shell_completion.h"

// readline.h needs stdio.h's FILE declared first.
#include <readline/readline.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "completion.h"
#include "json_fields.h"

namespace lashup::ctl {
namespace {

// Readline's hooks are plain functions, so their state lives here (main thread only).
Session* g_session = nullptr;
std::vector<std::string> g_command_names;  // empty until the daemon's help has answered
std::vector<std::string> g_matches;
size_t g_next_match = 0;

constexpr const char* kWordBreaks = " \t\n,;";

// Readline asks whether text[index] (a break or quote character) is escaped: it is when an
// odd number of backslashes precede it, as the daemon's tokenizer reads a backslash.
int CharIsQuoted(char* text, int index) {
  int backslashes = 0;
  for (int i = index - 1; i >= 0 && text[i] == '\\'; --i) ++backslashes;
  return backslashes % 2;
}

const std::vector<std::string>& CommandNames() {
  if (!g_command_names.empty()) return g_command_names;
  auto help = g_session->Query("help");
  const nlohmann::json* commands = help.ok() ? Member(*help, "commands") : nullptr;
  if (commands == nullptr || !commands->is_array()) return BuiltinCommands();
  std::vector<std::string> names = BuiltinCommands();
  for (const nlohmann::json& command : *commands) {
    std::optional<std::string> name = StringMember(command, "name");
    if (name && !name->empty()) names.push_back(name->substr(0, name->find(' ')));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  g_command_names = std::move(names);
  return g_command_names;
}

std::vector<std::string> KeyMatches(std::string_view text, char quote) {
  const std::string typed = UnquoteTyped(text, quote);
  const std::string prefix = KeyPrefixToQuery(typed);
  const std::string query = prefix.empty() ? "keys" : "keys " + *QuoteForLine(prefix, 0);
  auto result = g_session->Query(query);
  if (!result.ok()) return {};
  std::optional<std::vector<std::string>> keys = StringsMember(*result, "keys");
  if (!keys) return {};
  std::vector<std::string> matches;
  for (const std::string& candidate : KeyCandidates(*keys, typed)) {
    if (std::optional<std::string> quoted = QuoteForLine(candidate, quote)) {
      matches.push_back(std::move(*quoted));
    }
  }
  return matches;
}

std::vector<std::string> NodeMatches(std::string_view text) {
  auto result = g_session->Query("members");
  const nlohmann::json* members = result.ok() ? Member(*result, "members") : nullptr;
  if (members == nullptr || !members->is_array()) return {};
  std::vector<std::string> nodes;
  for (const nlohmann::json& member : *members) {
    if (std::optional<std::string> node = StringMember(member, "node")) nodes.push_back(*node);
  }
  return WordCandidates(nodes, text);
}

std::vector<std::string> MatchesFor(WordKind kind, std::string_view text, char quote) {
  switch (kind) {
    case WordKind::kCommand:
      return WordCandidates(CommandNames(), text);
    case WordKind::kMcVerb:
      return WordCandidates(McVerbs(), text);
    case WordKind::kOpVerb:
      return WordCandidates(OpVerbs(), text);
    case WordKind::kNode:
      return NodeMatches(text);
    case WordKind::kKey:
      return KeyMatches(text, quote);
    case WordKind::kNone:
      break;
  }
  return {};
}

char* NextMatch(const char* /*text*/, int state) {
  if (state == 0) g_next_match = 0;
  if (g_next_match >= g_matches.size()) return nullptr;
  return strdup(g_matches[g_next_match++].c_str());  // readline frees it
}

char** Complete(const char* text, int start, int /*end*/) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  std::string before(rl_line_buffer, static_cast<size_t>(start));
  const char quote = static_cast<char>(rl_completion_quote_character);
  if (quote != 0 && !before.empty() && before.back() == quote) before.pop_back();
  g_matches = MatchesFor(ClassifyWord(before), text, quote);
  if (g_matches.empty()) return nullptr;
  if (g_matches.size() == 1 && g_matches.front().ends_with('/')) {
    // More components follow: let the next Tab continue the same word.
    rl_completion_suppress_append = 1;
    rl_completion_suppress_quote = 1;
  }
  return rl_completion_matches(text, NextMatch);
}

}  // namespace

void InstallCompletion(Session* session) {
  g_session = session;
  rl_attempted_completion_function = Complete;
  rl_basic_word_break_characters = kWordBreaks;
  rl_completer_word_break_characters = kWordBreaks;
  rl_completer_quote_characters = "'\"";
  rl_char_is_quoted_p = CharIsQuoted;
}

}  // namespace lashup::ctl
