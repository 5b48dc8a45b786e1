// lashupd: a daemon embedding one lashup node, with an admin socket for lashupctl and an
// optional Prometheus endpoint. docs/getting-started.md and docs/configuration.md describe it.
#include <CLI/CLI.hpp>
#include <csignal>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon.h"

namespace {

void AddFlags(CLI::App& app, lashup::daemon::DaemonConfig& c, std::string& config_file) {
  app.add_option("--config", config_file, "TOML configuration file (flags override it)");
  app.add_option("--id", c.id, "node id, name@host:port (others dial host:port)");
  app.add_option("--listen", c.listen, "listen address host:port (default: from the id)");
  app.add_option("--data-dir", c.data_dir, "data directory (RocksDB store, admin socket)");
  app.add_option("--contact", c.contacts, "contact node id to join through (repeatable)");
  app.add_option("--preset", c.preset, "protocol timings: lan, wan or local");
  app.add_flag("--group-commit", c.group_commit, "sync once per group of concurrent updates");
  app.add_flag("--plaintext", c.plaintext, "no TLS (tests only)");
  app.add_option("--tls-ca", c.tls_ca, "cluster CA certificate (PEM)");
  app.add_option("--tls-cert", c.tls_cert, "this node's certificate (PEM)");
  app.add_option("--tls-key", c.tls_key, "this node's private key (PEM)");
  app.add_option("--admin-socket", c.admin_socket, "admin socket path (default DATA_DIR/admin.sock)");
  app.add_option("--admin-listen", c.admin_listen,
                 "also serve admin over TCP with mutual TLS on host:port (default: off)");
  app.add_option("--metrics-listen", c.metrics_listen,
                 "serve Prometheus metrics on host:port (default: off)");
  app.add_option("--log-level", c.log_level, "debug, info, warning or error");
}

// Flags given on the command line win over the file's values.
void Overlay(const CLI::App& app, const lashup::daemon::DaemonConfig& flags,
             lashup::daemon::DaemonConfig& merged) {
  auto given = [&app](const char* name) { return app.count(name) > 0; };
  if (given("--id")) merged.id = flags.id;
  if (given("--listen")) merged.listen = flags.listen;
  if (given("--data-dir")) merged.data_dir = flags.data_dir;
  if (given("--contact")) merged.contacts = flags.contacts;
  if (given("--preset")) merged.preset = flags.preset;
  if (given("--group-commit")) merged.group_commit = flags.group_commit;
  if (given("--plaintext")) merged.plaintext = flags.plaintext;
  if (given("--tls-ca")) merged.tls_ca = flags.tls_ca;
  if (given("--tls-cert")) merged.tls_cert = flags.tls_cert;
  if (given("--tls-key")) merged.tls_key = flags.tls_key;
  if (given("--admin-socket")) merged.admin_socket = flags.admin_socket;
  if (given("--admin-listen")) merged.admin_listen = flags.admin_listen;
  if (given("--metrics-listen")) merged.metrics_listen = flags.metrics_listen;
  if (given("--log-level")) merged.log_level = flags.log_level;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lashupd: a lashup cluster node"};
  lashup::daemon::DaemonConfig flags;
  std::string config_file;
  AddFlags(app, flags, config_file);
  CLI11_PARSE(app, argc, argv);

  lashup::daemon::DaemonConfig config;
  if (!config_file.empty()) {
    auto loaded = lashup::daemon::LoadConfigFile(config_file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "lashupd: %s\n", loaded.status().ToString().c_str());
      return 2;
    }
    config = std::move(*loaded);
  }
  Overlay(app, flags, config);
  std::signal(SIGPIPE, SIG_IGN);
  return lashup::daemon::Run(config);
}
