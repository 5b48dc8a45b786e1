#include "daemon.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <asio.hpp>

#include "admin_commands.h"
#include "admin_server.h"
#include "metrics_render.h"
#include "metrics_server.h"

namespace lashup::daemon {
namespace {

spdlog::level::level_enum SpdLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarning:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> MakeLogger(LogLevel level) {
  auto logger = spdlog::stderr_color_mt("lashupd");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-7l%$ %v");
  logger->set_level(SpdLevel(level));
  logger->flush_on(spdlog::level::info);
  return logger;
}

LogSink SinkFor(std::shared_ptr<spdlog::logger> logger) {
  return [logger](LogLevel level, std::string_view message) {
    logger->log(SpdLevel(level), "{}", message);
  };
}

// Everything the daemon serves; built once the node is open, torn down before it closes.
struct Services {
  std::unique_ptr<metrics::Histogram> request_seconds;
  std::unique_ptr<AdminCommands> commands;
  std::unique_ptr<AdminServer> admin;
  std::unique_ptr<MetricsServer> metrics;
  uint64_t scrapes = 0;

  Result<std::string> Scrape(Node& node, const LogSink& log) {
    LASHUP_ASSIGN_OR_RETURN(NodeStats stats, node.Stats());
    ++scrapes;
    DaemonMetrics daemon{request_seconds.get(),
                         admin ? admin->counters().connections.load() : 0,
                         admin ? admin->counters().streams.load() : 0, scrapes};
    Status refused;
    std::string text = RenderMetrics(stats, daemon, &refused);
    if (!refused.ok()) log(LogLevel::kWarning, "metrics: " + refused.ToString());
    return text;
  }
};

Status StartServices(asio::io_context& io, Node& node, const DaemonConfig& config,
                     const LogSink& log, Services& s) {
  s.request_seconds = std::move(
      metrics::Histogram::Create(metrics::LatencyBoundsSeconds()).value());
  DaemonInfo info{config.data_dir, config.preset, config.admin_socket, config.admin_listen,
                  config.metrics_listen};
  auto scrape = [&s, &node, log]() { return s.Scrape(node, log); };
  s.commands = std::make_unique<AdminCommands>(node, info, scrape);
  const AdminTcp tcp{config.admin_listen, config.tls_ca, config.tls_cert, config.tls_key};
  LASHUP_ASSIGN_OR_RETURN(s.admin, AdminServer::Start(io, config.admin_socket, tcp, *s.commands,
                                                      *s.request_seconds, log));
  if (!config.metrics_listen.empty()) {
    LASHUP_ASSIGN_OR_RETURN(s.metrics, MetricsServer::Start(io, config.metrics_listen, scrape, log));
  }
  return Status::Ok();
}

}  // namespace

int Run(DaemonConfig config) {
  auto node_config = Finish(config);
  if (!node_config.ok()) {
    std::fprintf(stderr, "lashupd: %s\n", node_config.status().ToString().c_str());
    return 2;
  }
  auto logger = MakeLogger(ParseLogLevel(config.log_level).value());
  const LogSink log = SinkFor(logger);
  node_config->log = log;
  auto node = Node::Open(*node_config);
  if (!node.ok()) {
    logger->error("cannot open the node: {}", node.status().ToString());
    return 1;
  }
  asio::io_context io;
  Services services;
  Status started = StartServices(io, **node, config, log, services);
  if (!started.ok()) {
    logger->error("{}", started.ToString());
    return 1;
  }
  logger->info("node {} listening on {} (preset {}); admin socket {}{}{}", (*node)->id().str(),
               (*node)->listen_address(), config.preset, config.admin_socket,
               services.admin->tcp_address().empty()
                   ? std::string()
                   : "; admin TLS on " + services.admin->tcp_address(),
               services.metrics ? "; metrics on http://" + services.metrics->address() + "/metrics"
                                : std::string());
  int exit_status = 0;
  auto stop = [&] {
    services.admin->Stop();
    if (services.metrics) services.metrics->Stop();
    io.stop();
  };
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& error, int signal) {
    if (error) return;
    logger->info("signal {}: stopping", signal);
    stop();
  });
  // A node stops itself when storage fails (fail-stop); the daemon must not linger without it.
  asio::steady_timer health(io);
  std::function<void()> check = [&] {
    health.expires_after(std::chrono::seconds(1));
    health.async_wait([&](const asio::error_code& error) {
      if (error) return;
      if (Status status = (*node)->Health(); !status.ok()) {
        logger->error("the node stopped: {}; exiting", status.ToString());
        exit_status = 1;
        stop();
        return;
      }
      check();
    });
  };
  check();
  io.run();
  services.admin.reset();
  (*node)->Close();
  logger->info("stopped");
  return exit_status;
}

}  // namespace lashup::daemon
