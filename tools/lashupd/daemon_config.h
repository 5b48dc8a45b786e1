// DaemonConfig: what lashupd runs with, read from a TOML file and then overridden by flags.
//
// Contract: `LoadConfigFile` reads the TOML file (docs/configuration.md lists every key); an
// unknown key, a value of the wrong type or an unparsable file is kInvalidArgument naming the
// key or the line, so a typo never passes silently. `Finish` fills defaults that depend on
// other values (the admin socket goes in the data directory) and checks what the daemon needs
// before it opens the node (the node itself checks the rest).
#ifndef LASHUP_TOOLS_LASHUPD_DAEMON_CONFIG_H_
#define LASHUP_TOOLS_LASHUPD_DAEMON_CONFIG_H_

#include <string>
#include <vector>

#include "lashup/log.h"
#include "lashup/node.h"
#include "lashup/status.h"

namespace lashup::daemon {

struct DaemonConfig {
  std::string id;
  std::string listen;
  std::string data_dir;
  std::vector<std::string> contacts;
  std::string preset = "lan";
  bool group_commit = false;
  bool plaintext = false;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  // Unix socket of the admin endpoint; empty: <data_dir>/admin.sock.
  std::string admin_socket;
  // Also serve admin over TCP with mutual TLS (the node's files), "host:port"; empty: off.
  std::string admin_listen;
  // Prometheus metrics over HTTP, "host:port"; empty: off. Meant for localhost.
  std::string metrics_listen;
  std::string log_level = "info";
};

Result<DaemonConfig> LoadConfigFile(const std::string& path);

// Applies defaults and checks; returns the node's configuration.
Result<NodeConfig> Finish(DaemonConfig& config);

// "debug", "info", "warning" (or "warn"), "error".
Result<LogLevel> ParseLogLevel(std::string_view name);

}  // namespace lashup::daemon

#endif  // LASHUP_TOOLS_LASHUPD_DAEMON_CONFIG_H_
