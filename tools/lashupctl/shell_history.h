// The shell's persistent history: GNU history's list, saved line by line to a file.
//
// Contract: `HistoryPath` is $LASHUPCTL_HISTORY when set (empty: no history file), else
// $HOME/.lashupctl_history, else "" (no file). `ShellHistory::Load` creates the file (mode
// 0600: commands may name secrets) if absent and reads it into readline's history; `Add`
// appends a line unless it repeats the previous one, and writes it to the file at once, so a
// crashed or killed shell keeps its history. The file is cut to `kMaxLines` when the shell ends.
// File errors are not fatal: history just stays in memory. Uses readline's global history, so
// one ShellHistory per process; main thread only.
#ifndef LASHUP_TOOLS_LASHUPCTL_SHELL_HISTORY_H_
#define LASHUP_TOOLS_LASHUPCTL_SHELL_HISTORY_H_

#include <string>
#include <utility>

#include "options.h"

namespace lashup::ctl {

std::string HistoryPath(const GetEnv& getenv);

class ShellHistory {
 public:
  static constexpr int kMaxLines = 1000;

  explicit ShellHistory(std::string path) : path_(std::move(path)) {}
  ~ShellHistory();
  ShellHistory(const ShellHistory&) = delete;
  ShellHistory& operator=(const ShellHistory&) = delete;

  void Load();
  void Add(const std::string& line);

 private:
  std::string path_;
};

}  // namespace lashup::ctl

#endif  // LASHUP_TOOLS_LASHUPCTL_SHELL_HISTORY_H_
