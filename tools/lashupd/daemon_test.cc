// lashupd's parts: configuration files, admin commands against a real node, the metrics
// endpoint's HTTP handling.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "admin_commands.h"
#include "admin_server.h"
#include "lashup/testing/cluster_certs.h"
#include "daemon_config.h"
#include "metrics_server.h"

namespace lashup::daemon {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "lashupd-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name) << text;
    return path_ + "/" + name;
  }

 private:
  std::string path_;
};

TEST(DaemonConfigTest, ReadsEveryKey) {
  TempDir dir;
  auto config = LoadConfigFile(dir.Write("a.toml", R"(
id = "n1@127.0.0.1:7001"
listen = "0.0.0.0:7001"
data_dir = "/var/lib/lashup"
contacts = ["n2@127.0.0.1:7002", "n3@127.0.0.1:7003"]
preset = "wan"
group_commit = true
log_level = "debug"
[tls]
ca = "ca.pem"
cert = "n1.pem"
key = "n1.key"
[admin]
socket = "/run/lashup.sock"
[metrics]
listen = "127.0.0.1:9464"
)"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->id, "n1@127.0.0.1:7001");
  EXPECT_EQ(config->contacts.size(), 2u);
  EXPECT_TRUE(config->group_commit);
  EXPECT_EQ(config->tls_key, "n1.key");
  EXPECT_EQ(config->admin_socket, "/run/lashup.sock");
  EXPECT_EQ(config->metrics_listen, "127.0.0.1:9464");
  auto node = Finish(*config);
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(node->preset, Preset::kWan);
  EXPECT_EQ(node->contacts.size(), 2u);
}

TEST(DaemonConfigTest, RefusesTyposWrongTypesAndBrokenFiles) {
  TempDir dir;
  auto typo = LoadConfigFile(dir.Write("t.toml", "id = \"a@1.2.3.4:5\"\ndata_dri = \"x\"\n"));
  EXPECT_EQ(typo.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(typo.status().message().find("data_dri"), std::string::npos) << typo.status();
  auto nested = LoadConfigFile(dir.Write("n.toml", "[tls]\ncert_file = \"x\"\n"));
  EXPECT_NE(nested.status().message().find("tls.cert_file"), std::string::npos);
  auto type = LoadConfigFile(dir.Write("w.toml", "group_commit = \"yes\"\n"));
  EXPECT_NE(type.status().message().find("group_commit"), std::string::npos);
  auto broken = LoadConfigFile(dir.Write("b.toml", "id = \n"));
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadConfigFile(dir.path() + "/absent.toml").status().code(),
            StatusCode::kInvalidArgument);
  DaemonConfig config;
  EXPECT_EQ(Finish(config).status().code(), StatusCode::kInvalidArgument);
  config.id = "n1@127.0.0.1:7001";
  config.data_dir = dir.path();
  config.preset = "fast";
  EXPECT_EQ(Finish(config).status().code(), StatusCode::kInvalidArgument);
  config.preset = "local";
  config.log_level = "loud";
  EXPECT_EQ(Finish(config).status().code(), StatusCode::kInvalidArgument);
  config.log_level = "warning";
  ASSERT_TRUE(Finish(config).ok());
  EXPECT_EQ(config.admin_socket, dir.path() + "/admin.sock");
}

class AdminCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeConfig config;
    config.id = NodeId::FromLiteral("solo@127.0.0.1:1");
    config.listen = "127.0.0.1:0";
    config.data_dir = dir_.path() + "/data";
    config.plaintext = true;
    config.preset = Preset::kLocal;
    auto node = Node::Open(config);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    commands_ = std::make_unique<AdminCommands>(
        *node_, DaemonInfo{config.data_dir, "local", "", "", ""},
        [] { return Result<std::string>(std::string("# metrics\n")); });
  }
  nlohmann::json Run(const std::string& line) {
    nlohmann::json reply;
    auto stream = commands_->Execute(line, [&](nlohmann::json j) { reply = std::move(j); },
                                     [](nlohmann::json) {});
    EXPECT_FALSE(stream.has_value());
    return reply;
  }

  TempDir dir_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<AdminCommands> commands_;
};

TEST_F(AdminCommandsTest, KvCommandsRoundTrip) {
  auto op = Run("op lb/vips add backends 10.0.0.1:80 '10.0.0.2:80', incr gen 2, in m assign r x");
  ASSERT_TRUE(op["ok"].get<bool>()) << op.dump();
  EXPECT_EQ(op["result"]["value"]["gen:counter"], 2);
  EXPECT_EQ(op["result"]["value"]["m:map"]["r:register"]["value"], "x");
  auto get = Run("get lb/vips");
  EXPECT_EQ(get["result"]["value"], op["result"]["value"]);
  EXPECT_EQ(Run("keys lb")["result"]["keys"], nlohmann::json::array({"lb/vips"}));
  EXPECT_EQ(Run("keys")["result"]["keys"].size(), 1u);
  EXPECT_TRUE(Run("del lb/vips")["ok"].get<bool>());
  auto gone = Run("get lb/vips");
  EXPECT_EQ(gone["code"], "NOT_FOUND");
  EXPECT_EQ(gone["error"], "no key 'lb/vips'");
  EXPECT_EQ(Run("del lb/vips")["code"], "NOT_FOUND");
}

TEST_F(AdminCommandsTest, ErrorsAreClear) {
  EXPECT_EQ(Run("")["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(Run("frobnicate")["error"], "unknown command \"frobnicate\" (try help)");
  EXPECT_EQ(Run("get")["error"], "usage: get KEY");
  EXPECT_EQ(Run("get a//b")["code"], "INVALID_ARGUMENT");
  auto bad_op = Run("op k incr c zero");
  EXPECT_EQ(bad_op["code"], "INVALID_ARGUMENT");
  EXPECT_NE(bad_op["error"].get<std::string>().find("op 0"), std::string::npos) << bad_op.dump();
  EXPECT_EQ(Run("members extra")["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(Run("reachable nobody")["code"], "NOT_FOUND");
  EXPECT_EQ(Run("get \"unterminated")["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(Run("mc frob")["code"], "INVALID_ARGUMENT");
}

TEST_F(AdminCommandsTest, MembershipAndMetricsCommands) {
  EXPECT_EQ(Run("info")["result"]["node"], "solo@127.0.0.1:1");
  auto members = Run("members");
  ASSERT_EQ(members["result"]["members"].size(), 1u) << members.dump();
  EXPECT_TRUE(members["result"]["members"][0]["reachable"].get<bool>());
  EXPECT_TRUE(Run("reachable solo")["result"]["reachable"].get<bool>());
  EXPECT_EQ(Run("tree")["result"]["root"], "solo@127.0.0.1:1");
  EXPECT_EQ(Run("views")["result"]["active"].size(), 0u);
  EXPECT_EQ(Run("metrics")["result"]["text"], "# metrics\n");
  EXPECT_GT(Run("help")["result"]["commands"].size(), 10u);
}

TEST_F(AdminCommandsTest, StreamsDeliverUntilEnded) {
  std::mutex mutex;
  std::vector<nlohmann::json> events;
  nlohmann::json reply;
  auto stream = commands_->Execute(
      "watch lb", [&](nlohmann::json j) { reply = std::move(j); },
      [&](nlohmann::json j) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(j));
      });
  ASSERT_TRUE(stream.has_value()) << reply.dump();
  EXPECT_TRUE(reply["stream"].get<bool>());
  ASSERT_TRUE(Run("op lb/a enable on")["ok"].get<bool>());
  commands_->EndStream(*stream);
  ASSERT_TRUE(Run("op lb/b enable on")["ok"].get<bool>());
  // Listeners run on the node's thread at the end of the step that made the change; this Get
  // is a later step, so once it returns every earlier event has been delivered.
  ASSERT_TRUE(Run("get lb/b")["ok"].get<bool>());
  std::lock_guard lock(mutex);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["event"]["key"], "lb/a");
  EXPECT_FALSE(events[0]["event"]["snapshot"].get<bool>());
}

// Runs `io` on its own thread until destroyed (also when an ASSERT returns early).
class IoThread {
 public:
  explicit IoThread(asio::io_context& io) : io_(io), thread_([this] {
    auto guard = asio::make_work_guard(io_);
    io_.run();
  }) {}
  ~IoThread() {
    io_.stop();
    thread_.join();
  }

 private:
  asio::io_context& io_;
  std::thread thread_;
};

// A TLS client of the admin endpoint: the answer to one `info`, or the error that stopped it.
Result<nlohmann::json> TlsInfo(const std::string& address, const NodeTls* client_files,
                               const std::string& ca_file) {
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  asio::error_code error;
  context.load_verify_file(ca_file, error);
  if (client_files != nullptr) {
    context.use_certificate_chain_file(client_files->cert_file, error);
    context.use_private_key_file(client_files->key_file, asio::ssl::context::pem, error);
  }
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  const auto colon = address.rfind(':');
  stream.lowest_layer().connect({asio::ip::make_address(address.substr(0, colon)),
                                 static_cast<uint16_t>(std::stoi(address.substr(colon + 1)))});
  stream.handshake(asio::ssl::stream_base::client, error);
  if (!error) asio::write(stream, asio::buffer(std::string("info\n")), error);
  asio::streambuf reply;
  if (!error) asio::read_until(stream, reply, '\n', error);
  if (error) return Status(StatusCode::kUnavailable, error.message());
  std::string line(asio::buffers_begin(reply.data()), asio::buffers_end(reply.data()));
  return nlohmann::json::parse(line);
}

TEST_F(AdminCommandsTest, TcpEndpointNeedsAClusterCertificate) {
  auto certs = testing::WriteClusterCerts(dir_.path() + "/certs",
                                          {NodeId::FromLiteral("solo@127.0.0.1:1"),
                                           NodeId::FromLiteral("ops@127.0.0.1:2")});
  auto stranger = testing::WriteClusterCerts(dir_.path() + "/other",
                                             {NodeId::FromLiteral("ops@127.0.0.1:2")});
  ASSERT_TRUE(certs.ok() && stranger.ok());
  const NodeTls& own = certs->at(NodeId::FromLiteral("solo@127.0.0.1:1"));
  asio::io_context io;
  auto histogram = metrics::Histogram::Create(metrics::LatencyBoundsSeconds());
  auto server = AdminServer::Start(
      io, dir_.path() + "/admin.sock",
      AdminTcp{"127.0.0.1:0", own.ca_file, own.cert_file, own.key_file}, *commands_,
      **histogram, {});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = (*server)->tcp_address();
  IoThread loop(io);
  const NodeTls& ops = certs->at(NodeId::FromLiteral("ops@127.0.0.1:2"));
  auto info = TlsInfo(address, &ops, own.ca_file);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ((*info)["result"]["node"], "solo@127.0.0.1:1");
  EXPECT_FALSE(TlsInfo(address, nullptr, own.ca_file).ok()) << "no client certificate";
  EXPECT_FALSE(TlsInfo(address, &stranger->begin()->second, own.ca_file).ok())
      << "a certificate from another CA";
  std::promise<void> stopped;
  asio::post(io, [&] {
    (*server)->Stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
}

// Sends `requests` on the admin socket, closes the sending side, reads until the daemon closes.
std::vector<nlohmann::json> UnixExchange(const std::string& path, const std::string& requests) {
  asio::io_context io;
  asio::local::stream_protocol::socket socket(io);
  socket.connect(asio::local::stream_protocol::endpoint(path));
  asio::error_code error;
  // The daemon may close before taking all of an over-long line: the write then fails, and
  // the answer sent before the close is still there to read.
  asio::write(socket, asio::buffer(requests), error);
  socket.shutdown(asio::socket_base::shutdown_send, error);
  std::string text;
  char buf[65536];
  while (size_t n = socket.read_some(asio::buffer(buf), error)) text.append(buf, n);
  std::vector<nlohmann::json> lines;
  for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(nlohmann::json::parse(text.substr(start, end - start)));
  }
  return lines;
}

TEST_F(AdminCommandsTest, UnixClientsGetEveryAnswerAfterClosingTheirSide) {
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(Run("op big/" + std::to_string(i) + " add s " + std::string(1000, 'x'))["ok"]);
  }
  const std::string path = dir_.path() + "/admin.sock";
  std::ofstream(path) << "not a socket";
  asio::io_context io;
  auto histogram = metrics::Histogram::Create(metrics::LatencyBoundsSeconds());
  auto refused = AdminServer::Start(io, path, AdminTcp{}, *commands_, **histogram, {});
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition) << "a file is not replaced";
  std::filesystem::remove(path);
  auto server = AdminServer::Start(io, path, AdminTcp{}, *commands_, **histogram, {});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto again = AdminServer::Start(io, path, AdminTcp{}, *commands_, **histogram, {});
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << "a live socket is kept";
  auto* admin = server->get();
  IoThread loop(io);
  // Three answers, one of them (every key's value) bigger than a socket buffer.
  std::string requests = "info\nkeys big\n";
  for (int i = 0; i < 300; ++i) requests += "get big/" + std::to_string(i) + "\n";
  auto answers = UnixExchange(path, requests + "frob\n");
  ASSERT_EQ(answers.size(), 303u);
  EXPECT_EQ(answers[1]["result"]["keys"].size(), 300u);
  EXPECT_EQ(answers[302]["code"], "INVALID_ARGUMENT");
  auto long_line = UnixExchange(path, std::string(70000, 'a') + "\n");
  ASSERT_EQ(long_line.size(), 1u);
  EXPECT_EQ(long_line[0]["error"], "request line over 64 KiB");
  std::promise<void> stopped;
  asio::post(io, [&] {
    admin->Stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  EXPECT_FALSE(std::filesystem::exists(path)) << "Stop removes the socket";
}

std::string HttpGet(const std::string& address, const std::string& request) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  const auto colon = address.rfind(':');
  socket.connect({asio::ip::make_address(address.substr(0, colon)),
                  static_cast<uint16_t>(std::stoi(address.substr(colon + 1)))});
  asio::write(socket, asio::buffer(request));
  std::string response;
  asio::error_code error;
  char buf[4096];
  while (size_t n = socket.read_some(asio::buffer(buf), error)) response.append(buf, n);
  return response;
}

TEST(MetricsServerTest, ServesMetricsAndRefusesTheRest) {
  asio::io_context io;
  auto server = MetricsServer::Start(
      io, "127.0.0.1:0", [] { return Result<std::string>(std::string("up 1\n")); }, {});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = (*server)->address();
  IoThread loop(io);
  const std::string ok = HttpGet(address, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_NE(ok.find("text/plain; version=0.0.4"), std::string::npos);
  EXPECT_EQ(ok.substr(ok.size() - 5), "up 1\n");
  EXPECT_EQ(HttpGet(address, "GET / HTTP/1.1\r\n\r\n").substr(0, 12), "HTTP/1.1 404");
  EXPECT_EQ(HttpGet(address, "POST /metrics HTTP/1.1\r\n\r\n").substr(0, 12), "HTTP/1.1 405");
  EXPECT_EQ(HttpGet(address, "garbage\r\n\r\n").substr(0, 12), "HTTP/1.1 400");
  std::promise<void> stopped;
  asio::post(io, [&] {
    (*server)->Stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
}

}  // namespace
}  // namespace lashup::daemon
