#include "render.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>

#include "json_fields.h"
#include "terminal_text.h"

namespace lashup::ctl {
namespace {

using Json = nlohmann::json;
using Renderer = std::function<std::optional<std::string>(const Json&)>;

std::string Joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += TerminalSafe(parts[i]);
  }
  return out;
}

// Multi-line text from the daemon, ending in exactly one '\n' ("" stays "").
std::string TextBlock(std::string_view text) {
  std::string out = TerminalSafe(text, /*keep_newlines=*/true);
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out;
}

std::string CellOrDash(const Json& object, std::string_view name) {
  const Json* member = Member(object, name);
  return member == nullptr ? "-" : CellText(*member);
}

// An empty setting (say, no metrics listener) shows as "-" rather than as nothing.
std::string InfoCell(const Json& value) {
  return value.is_string() && value.get<std::string>().empty() ? "-" : CellText(value);
}

std::optional<std::string> RenderInfo(const Json& result) {
  if (!result.is_object()) return std::nullopt;
  static const std::vector<std::string> kOrder = {"node", "listen", "preset", "data_dir"};
  std::vector<std::vector<std::string>> rows;
  for (const std::string& name : kOrder) {
    if (const Json* member = Member(result, name)) rows.push_back({name, InfoCell(*member)});
  }
  for (const auto& [name, value] : result.items()) {
    bool known = false;
    for (const std::string& ordered : kOrder) known = known || ordered == name;
    if (!known) rows.push_back({TerminalSafe(name), InfoCell(value)});
  }
  if (rows.empty()) return std::nullopt;
  std::string table = RenderTable({"", ""}, rows);
  return table.substr(table.find('\n') + 1);  // no header line: the names say enough
}

std::string LastHeard(const Json& member) {
  std::optional<int64_t> ms = IntMember(member, "last_heard_ms");
  return ms ? FormatAge(*ms) : CellOrDash(member, "last_heard_ms");
}

std::optional<std::string> RenderMembers(const Json& result) {
  const Json* members = Member(result, "members");
  if (members == nullptr || !members->is_array()) return std::nullopt;
  std::vector<std::vector<std::string>> rows;
  for (const Json& member : *members) {
    std::optional<bool> reachable = BoolMember(member, "reachable");
    std::optional<std::vector<std::string>> neighbours = StringsMember(member, "neighbours");
    rows.push_back({CellOrDash(member, "node"), reachable ? (*reachable ? "yes" : "no") : "-",
                    CellOrDash(member, "epoch"), neighbours ? Joined(*neighbours, ",") : "-",
                    LastHeard(member)});
  }
  return RenderTable({"node", "reachable", "epoch", "neighbours", "last heard"}, rows);
}

std::optional<std::string> RenderViews(const Json& result) {
  std::optional<std::vector<std::string>> active = StringsMember(result, "active");
  std::optional<std::vector<std::string>> passive = StringsMember(result, "passive");
  if (!active || !passive) return std::nullopt;
  std::vector<std::vector<std::string>> rows;
  for (const std::string& node : *active) rows.push_back({"active", TerminalSafe(node)});
  for (const std::string& node : *passive) rows.push_back({"passive", TerminalSafe(node)});
  if (rows.empty()) return std::string("(both views are empty)\n");
  return RenderTable({"view", "node"}, rows);
}

std::optional<std::string> RenderReachable(const Json& result) {
  std::optional<std::string> node = StringMember(result, "node");
  std::optional<bool> reachable = BoolMember(result, "reachable");
  if (!node || !reachable) return std::nullopt;
  return TerminalSafe(*node) + (*reachable ? " is reachable\n" : " is unreachable\n");
}

std::optional<std::string> RenderKeys(const Json& result) {
  std::optional<std::vector<std::string>> keys = StringsMember(result, "keys");
  if (!keys) return std::nullopt;
  if (keys->empty()) return std::string("(no keys)\n");
  std::string out;
  for (const std::string& key : *keys) out += TerminalSafe(key) + "\n";
  return out;
}

std::optional<std::string> RenderValue(const Json& result) {
  std::optional<std::string> text = StringMember(result, "text");
  if (text) return text->empty() ? std::string("(empty value)\n") : TextBlock(*text);
  const Json* value = Member(result, "value");
  if (value == nullptr) return std::nullopt;
  return SafeDump(*value, 2) + "\n";
}

std::optional<std::string> RenderDel(const Json& result) {
  std::optional<std::string> key = StringMember(result, "key");
  if (!key) return std::nullopt;
  return "deleted " + TerminalSafe(*key) + "\n";
}

std::optional<std::string> RenderMcSend(const Json& result) {
  std::optional<std::string> topic = StringMember(result, "topic");
  if (!topic) return std::nullopt;
  return "sent to topic " + TerminalSafe(*topic) + " as seq " + CellOrDash(result, "seq") + "\n";
}

std::optional<std::string> RenderText(const Json& result) {
  std::optional<std::string> text = StringMember(result, "text");
  if (!text) return std::nullopt;
  return TextBlock(*text);
}

std::optional<std::string> RenderHelp(const Json& result) {
  const Json* commands = Member(result, "commands");
  if (commands == nullptr || !commands->is_array()) return RenderText(result);
  std::vector<std::vector<std::string>> rows;
  for (const Json& command : *commands) {
    // A summary may run over several lines (`help op`'s syntax); the table keeps them.
    std::optional<std::string> summary = StringMember(command, "summary");
    rows.push_back({CellOrDash(command, "usage"),
                    summary ? TerminalSafe(*summary, /*keep_newlines=*/true) : "-"});
  }
  return RenderTable({"usage", "summary"}, rows);
}

const std::map<std::string, Renderer, std::less<>>& ResultRenderers() {
  static const auto* renderers = new std::map<std::string, Renderer, std::less<>>{
      {"info", RenderInfo},
      {"members", RenderMembers},
      {"views", RenderViews},
      {"tree", RenderTree},
      {"reachable", RenderReachable},
      {"keys", RenderKeys},
      {"get", RenderValue},
      {"op", RenderValue},
      {"del", RenderDel},
      {"mc send", RenderMcSend},
      {"metrics", RenderText},
      {"help", RenderHelp},
  };
  return *renderers;
}

std::string Fallback(const Json& value) {
  if (std::optional<std::string> text = RenderText(value)) return *text;
  return SafeDump(value, 2) + "\n";
}

// The value text of a watch event after "KEY = ": inline when one line, else indented below.
std::string EventValueText(std::string_view text) {
  std::string safe = TerminalSafe(text, /*keep_newlines=*/true);
  while (!safe.empty() && safe.back() == '\n') safe.pop_back();
  if (safe.find('\n') == std::string::npos) return " " + safe + "\n";
  std::string out = "\n  ";
  for (char c : safe) {
    out.push_back(c);
    if (c == '\n') out += "  ";
  }
  return out + "\n";
}

std::optional<std::string> RenderWatchEvent(const Json& event) {
  std::optional<std::string> key = StringMember(event, "key");
  const Json* value = Member(event, "value");
  if (!key || value == nullptr) return std::nullopt;
  const bool snapshot = BoolMember(event, "snapshot").value_or(false);
  std::string out = snapshot ? "[snapshot] " : "";
  out += TerminalSafe(*key);
  if (value->is_null() || (value->is_object() && value->empty())) return out + " deleted\n";
  std::optional<std::string> text = StringMember(event, "text");
  return out + " =" + (text ? EventValueText(*text) : " " + SafeDump(*value) + "\n");
}

std::optional<std::string> RenderMcEvent(const Json& event) {
  std::optional<std::string> data = StringMember(event, "data");
  if (!data) return std::nullopt;
  return "[" + CellOrDash(event, "topic") + "] " + CellOrDash(event, "origin") + " #" +
         CellOrDash(event, "seq") + ": " + TerminalSafe(*data) + "\n";
}

}  // namespace

std::string CommandName(std::string_view line) {
  constexpr std::string_view kSpace = " \t";
  std::vector<std::string_view> words;
  size_t pos = line.find_first_not_of(kSpace);
  while (pos != std::string_view::npos && words.size() < 2) {
    const size_t end = std::min(line.find_first_of(kSpace, pos), line.size());
    words.push_back(line.substr(pos, end - pos));
    pos = line.find_first_not_of(kSpace, end);
  }
  if (words.empty()) return "";
  if (words[0] == "mc" && words.size() == 2) return "mc " + std::string(words[1]);
  return std::string(words[0]);
}

std::string RenderResult(std::string_view command, const Json& result) {
  auto it = ResultRenderers().find(command);
  if (it != ResultRenderers().end()) {
    if (std::optional<std::string> text = it->second(result)) return *text;
  }
  return Fallback(result);
}

std::string RenderEvent(std::string_view command, const Json& event) {
  std::optional<std::string> text;
  if (command == "watch") text = RenderWatchEvent(event);
  if (command == "mc watch") text = RenderMcEvent(event);
  return text ? *text : SafeDump(event) + "\n";
}

namespace {

std::vector<std::string> CellLines(const std::string& cell) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t newline = cell.find('\n'); newline != std::string::npos;
       newline = cell.find('\n', start)) {
    lines.push_back(cell.substr(start, newline - start));
    start = newline + 1;
  }
  if (start < cell.size() || lines.empty()) lines.push_back(cell.substr(start));
  return lines;
}

// One table row; a cell holding '\n' goes on below, its column kept, the other cells blank.
std::string TableRow(const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
  std::vector<std::vector<std::string>> lines(widths.size());
  size_t height = 1;
  for (size_t column = 0; column < widths.size(); ++column) {
    lines[column] = CellLines(column < cells.size() ? cells[column] : "");
    height = std::max(height, lines[column].size());
  }
  std::string out;
  for (size_t row = 0; row < height; ++row) {
    std::string line;
    for (size_t column = 0; column < widths.size(); ++column) {
      const std::string cell = row < lines[column].size() ? lines[column][row] : "";
      line += cell;
      if (column + 1 < widths.size()) line.append(widths[column] - DisplayWidth(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  std::vector<std::string> upper_header;
  for (size_t column = 0; column < header.size(); ++column) {
    std::string name = header[column];
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    upper_header.push_back(name);
    widths[column] = DisplayWidth(name);
    for (const auto& row : rows) {
      if (column >= row.size()) continue;
      for (const std::string& line : CellLines(row[column])) {
        widths[column] = std::max(widths[column], DisplayWidth(line));
      }
    }
  }
  std::string out = TableRow(upper_header, widths);
  for (const auto& row : rows) out += TableRow(row, widths);
  return out;
}

std::string FormatAge(int64_t milliseconds) {
  char buffer[48];
  const int64_t ms = std::max<int64_t>(milliseconds, 0);
  if (ms < 1000) {
    std::snprintf(buffer, sizeof(buffer), "%lldms ago", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    std::snprintf(buffer, sizeof(buffer), "%.1fs ago", static_cast<double>(ms) / 1000.0);
  } else if (ms < 3'600'000) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds ago", static_cast<long long>(ms / 60'000),
                  static_cast<long long>(ms / 1000 % 60));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm ago",
                  static_cast<long long>(ms / 3'600'000), static_cast<long long>(ms / 60'000 % 60));
  }
  return buffer;
}

}  // namespace lashup::ctl
