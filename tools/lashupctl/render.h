// Human-readable output of lashupd's replies: tables and lines for a terminal.
//
// Contract:
// - `CommandName` names the command a line runs, for choosing a renderer: its first
//   whitespace-separated word, or "mc send" / "mc watch" for the mc commands ("" for a blank
//   line). It does not validate anything; the daemon does.
// - `RenderResult` and `RenderEvent` turn a result or a stream event of that command into text
//   ending in '\n' (or "" for nothing to show). Each knows the shape the daemon documents for
//   its command (members and views as aligned tables, tree as an indented tree, keys one per
//   line, get/op as the value's "text", ...). A result of another shape, or of a command they
//   do not know, is still shown: its "text" member if it has one, else indented JSON. Missing
//   or mistyped members show as "-". Every string from the daemon goes through TerminalSafe,
//   so no control bytes reach the terminal. Never throws.
// - `RenderTable` aligns columns two spaces apart under an upper-case header; the last column
//   is not padded. Rows shorter than the header get empty cells. A cell holding '\n' goes on
//   in its own column on the lines below (help's multi-line `help op` summary does).
// Stateless; safe from any thread.
#ifndef LASHUP_TOOLS_LASHUPCTL_RENDER_H_
#define LASHUP_TOOLS_LASHUPCTL_RENDER_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lashup::ctl {

std::string CommandName(std::string_view line);

std::string RenderResult(std::string_view command, const nlohmann::json& result);
std::string RenderEvent(std::string_view command, const nlohmann::json& event);

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// "120ms ago", "4.2s ago", "3m05s ago", "2h07m ago".
std::string FormatAge(int64_t milliseconds);

// The tree result ({"root", "nodes", "unreached"}) indented by depth; nullopt for another shape.
std::optional<std::string> RenderTree(const nlohmann::json& result);

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_RENDER_H_
