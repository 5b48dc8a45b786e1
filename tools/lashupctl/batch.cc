#include "batch.h"

#include "options.h"

namespace lashup::ctl {
namespace {

std::string_view Trimmed(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const size_t last = line.find_last_not_of(" \t\r");
  return line.substr(first, last - first + 1);
}

// Folds one command's outcome into the run's status; false when the run should stop.
bool Accumulate(Outcome outcome, int& status, std::ostream& err) {
  switch (outcome) {
    case Outcome::kOk:
      return true;
    case Outcome::kDaemonError:
      status = kExitDaemonError;
      return true;
    case Outcome::kUnreachable:
      status = kExitUnreachable;
      return false;
    case Outcome::kInterrupted:
      err << "lashupctl: interrupted\n";
      status = kExitInterrupted;
      return false;
    case Outcome::kStreamStopped:
      return false;
  }
  return false;
}

}  // namespace

bool IsQuitCommand(std::string_view line) {
  const std::string_view word = Trimmed(line);
  return word == "quit" || word == "exit";
}

int RunCommands(Session& session, const std::vector<std::string>& commands, std::ostream& err) {
  int status = kExitOk;
  for (const std::string& command : commands) {
    if (!Accumulate(session.Execute(command), status, err)) break;
  }
  return status;
}

int RunScript(Session& session, std::istream& in, std::ostream& err) {
  int status = kExitOk;
  std::string line;
  // Bounded by the input: each pass consumes one line.
  while (std::getline(in, line)) {
    const std::string_view command = Trimmed(line);
    if (command.empty() || command.front() == '#') continue;
    if (IsQuitCommand(command)) break;
    if (!Accumulate(session.Execute(command), status, err)) break;
  }
  return status;
}

}  // namespace lashup::ctl
