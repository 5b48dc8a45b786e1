// AdminSession: one lashupctl connection to the admin server (admin_server.h has the contract).
#ifndef LASHUP_TOOLS_LASHUPD_ADMIN_SESSION_H_
#define LASHUP_TOOLS_LASHUPD_ADMIN_SESSION_H_

#include <asio.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "admin_server.h"

namespace lashup::daemon {

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  static constexpr size_t kMaxLine = 64 << 10;
  static constexpr size_t kMaxPending = 16 << 20;

  AdminSession(AdminServer& server, asio::local::stream_protocol::socket socket)
      : server_(server), socket_(std::move(socket)), input_(kMaxLine) {}

  void Begin() { ReadLine(); }
  void Close();

 private:
  void ReadLine();
  void OnLine(std::string line);
  void Send(std::string line);
  void WriteNext();
  // Runs on the node's thread: hands the event to the io thread.
  AdminCommands::Emit EventSink();

  AdminServer& server_;
  asio::local::stream_protocol::socket socket_;
  asio::streambuf input_;
  std::deque<std::string> output_;
  size_t pending_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  std::optional<uint64_t> stream_;
};

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_ADMIN_SESSION_H_
