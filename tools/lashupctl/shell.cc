#include "shell.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

// readline.h needs stdio.h's FILE declared first.
#include <readline/history.h>
#include <readline/readline.h>

#include "batch.h"
#include "completion.h"
#include "json_fields.h"
#include "options.h"
#include "render.h"
#include "shell_completion.h"
#include "shell_history.h"
#include "terminal_text.h"

namespace lashup::ctl {
namespace {

constexpr const char* kShellHelp =
    "  quit, exit, Ctrl-D  leave the shell\n"
    "  Ctrl-C              clear the line, or stop a running command or stream\n"
    "  Tab                 complete commands, keys (one '/' component at a time) and nodes\n";

// Readline's callback interface hands each finished line to OnLine; this is where it waits.
struct PendingLine {
  bool done = false;
  std::optional<std::string> line;  // nullopt: end of input (Ctrl-D)
};
PendingLine g_pending;

void OnLine(char* line) {
  g_pending.done = true;
  if (line != nullptr) {
    g_pending.line = line;
    std::free(line);
  }
  // The command then runs with the terminal back in its normal mode, so Ctrl-C is a signal
  // and a stream's output is not mixed into a half-drawn prompt.
  rl_callback_handler_remove();
}

// Ctrl-C at the prompt: what bash does, abandon the line and draw a fresh prompt.
void AbandonLine() {
  rl_echo_signal_char(SIGINT);
  rl_callback_sigcleanup();  // leaves incremental search and other multi-key states
  rl_replace_line("", /*clear_undo=*/1);
  history_set_pos(history_length);
  rl_crlf();
  rl_on_new_line();
  rl_redisplay();
}

// One line from the user; nullopt at Ctrl-D, a closed terminal or SIGTERM (`terminated`).
std::optional<std::string> ReadCommandLine(const std::string& prompt, Interrupter& interrupter,
                                           bool& terminated) {
  g_pending = PendingLine{};
  rl_callback_handler_install(prompt.c_str(), OnLine);
  // Waits on the user: each pass handles one input byte or one signal.
  while (!g_pending.done && !terminated) {
    pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0},
                     {.fd = interrupter.fd(), .events = POLLIN, .revents = 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) {
      if (interrupter.Take() == SIGTERM) {
        terminated = true;
      } else {
        AbandonLine();
      }
    } else if ((fds[0].revents & POLLIN) != 0) {
      rl_callback_read_char();
    } else if (fds[0].revents != 0) {
      break;  // the terminal hung up without sending anything
    }
  }
  if (!g_pending.done) rl_callback_handler_remove();
  if (!g_pending.line) std::fputs("\n", stdout);  // leave the terminal's cursor on a new line
  return g_pending.line;
}

Outcome ShowHelp(Session& session, std::string_view line) {
  Outcome outcome = session.Execute(line);
  if (CommandName(line) != line) return outcome;  // `help TOPIC`: the daemon's answer alone
  if (outcome != Outcome::kOk) {
    std::cout << "commands:";
    for (const std::string& name : BuiltinCommands()) std::cout << " " << name;
    std::cout << "\n";
  }
  std::cout << "shell:\n" << kShellHelp << std::flush;
  return outcome;
}

// Runs one command; false when a SIGTERM arrived meanwhile and the shell should end.
bool RunLine(Session& session, Interrupter& interrupter, std::string_view line) {
  interrupter.Take();  // a Ctrl-C at the prompt is spent; it must not cancel this command
  const Outcome outcome =
      CommandName(line) == "help" ? ShowHelp(session, line) : session.Execute(line);
  if (outcome == Outcome::kInterrupted || outcome == Outcome::kStreamStopped) {
    std::cout << "\n" << std::flush;  // the terminal echoed ^C with no newline
    return interrupter.Take() != SIGTERM;
  }
  return true;
}

std::string Trimmed(const std::string& line) {
  const size_t first = line.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return line.substr(first, line.find_last_not_of(" \t") - first + 1);
}

}  // namespace

int RunShell(Session& session, Interrupter& interrupter, const std::string& history_path) {
  auto info = session.Query("info");
  if (!info.ok() && info.status().code() == StatusCode::kUnavailable) {
    std::cerr << info.status().message() << "\n";
    return kExitUnreachable;
  }
  if (!info.ok() && info.status().code() == StatusCode::kCancelled) return kExitInterrupted;
  const std::string node =
      TerminalSafe(info.ok() ? StringMember(*info, "node").value_or("?") : "?");
  std::cout << "connected to " << node << " at " << session.options().socket_path
            << "\nhelp lists the commands; quit or Ctrl-D leaves\n"
            << std::flush;
  rl_readline_name = "lashupctl";
  rl_catch_signals = 0;  // SIGINT and SIGTERM go to the Interrupter
  InstallCompletion(&session);
  ShellHistory history(history_path);
  history.Load();
  const std::string prompt = "lashup " + node + "> ";
  bool terminated = false;
  // Ends at quit, exit, Ctrl-D or SIGTERM; each pass runs one typed line.
  while (std::optional<std::string> line = ReadCommandLine(prompt, interrupter, terminated)) {
    const std::string command = Trimmed(*line);
    if (command.empty()) continue;
    history.Add(command);
    if (IsQuitCommand(command) || !RunLine(session, interrupter, command)) break;
  }
  return kExitOk;
}

}  // namespace lashup::ctl
