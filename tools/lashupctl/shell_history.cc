#include "shell_history.h"

#include <fcntl.h>
#include <readline/history.h>
#include <unistd.h>

#include <cstdio>

namespace lashup::ctl {

std::string HistoryPath(const GetEnv& getenv) {
  if (const char* path = getenv("LASHUPCTL_HISTORY")) return path;
  const char* home = getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.lashupctl_history";
}

void ShellHistory::Load() {
  stifle_history(kMaxLines);
  if (path_.empty()) return;
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  read_history(path_.c_str());
}

void ShellHistory::Add(const std::string& line) {
  HIST_ENTRY* last = history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
  if (last != nullptr && last->line != nullptr && line == last->line) return;
  add_history(line.c_str());
  if (!path_.empty()) append_history(1, path_.c_str());
}

ShellHistory::~ShellHistory() {
  if (!path_.empty()) history_truncate_file(path_.c_str(), kMaxLines);
}

}  // namespace lashup::ctl
