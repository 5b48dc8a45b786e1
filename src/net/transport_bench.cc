// transport_bench: speed of the real transport between two nodes on loopback.
//
// For each of {TLS, plaintext} x {64 B, 4 KiB payloads} it starts two AsioDrivers on 127.0.0.1
// (a server that echoes and a client, both running EchoBenchCore), waits for their link, and
// measures:
//   - latency: one message outstanding at a time; p50 and p99 round trip;
//   - throughput: 256 messages outstanding; echoed round trips per second (count divided by the
//     wall time from the first send to the last echo), payload MB/s each way, and the round-trip
//     percentiles under that load.
// A short pipelined warm-up precedes the measurements so connection buffers and the allocator are
// in their steady state. Certificates come from a throwaway CA in a temporary directory that is
// removed at exit.
//
// Project rule: figures live in tools like this one, never in timed unit tests. Every run is
// bounded in count (the flags below) and in time (a wall-clock timeout per phase, which fails the
// program). Output: a readable table, then ONE JSON object as the last line, also on failure
// (with "ok":false and the error); the exit code is 0 only if every phase completed intact.
//
// Flags: --quick (10x fewer messages, shorter timeouts: the CI smoke run), --count-scale F
// (multiply every message count by F).
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/asio_driver.h"
#include "net/echo_bench_core.h"
#include "net/pki.h"
#include "storage/memory_storage.h"

namespace lashup::net {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;

constexpr uint32_t kThroughputWindow = 256;
constexpr uint32_t kWarmupWindow = 16;
constexpr size_t kPayloadSizes[] = {64, 4096};
constexpr Security kSecurities[] = {Security::kTls, Security::kPlaintext};

NodeId ServerId() { return NodeId::FromLiteral("server"); }
NodeId ClientId() { return NodeId::FromLiteral("client"); }

// ---- Options -----------------------------------------------------------------------------------

struct Options {
  bool quick = false;
  double count_scale = 1.0;
};

constexpr const char* kUsage = "usage: transport_bench [--quick] [--count-scale F]";

Result<Options> ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--count-scale" && i + 1 < argc) {
      char* end = nullptr;
      options.count_scale = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || !(options.count_scale > 0) ||
          options.count_scale > 100) {
        return InvalidArgumentError("--count-scale needs a number in (0, 100]");
      }
    } else {
      return InvalidArgumentError("unknown or incomplete argument: " + arg);
    }
  }
  return options;
}

// How many messages each phase sends, and how long it may take.
struct Plan {
  uint64_t warmup = 0;
  uint64_t latency = 0;
  uint64_t throughput = 0;
  Duration link_timeout{0};
  Duration phase_timeout{0};
};

uint64_t Scaled(uint64_t base, double scale) {
  return std::max<uint64_t>(1, static_cast<uint64_t>(static_cast<double>(base) * scale));
}

Plan PlanFor(size_t payload_bytes, const Options& options) {
  const double scale = options.count_scale * (options.quick ? 0.1 : 1.0);
  Plan plan;
  plan.warmup = Scaled(1'000, scale);
  plan.latency = Scaled(2'000, scale);
  // Large payloads move 64x the bytes per message; fewer keep the run short.
  plan.throughput = Scaled(payload_bytes > 1024 ? 20'000 : 50'000, scale);
  plan.link_timeout = std::chrono::seconds(options.quick ? 5 : 10);
  plan.phase_timeout = std::chrono::seconds(options.quick ? 20 : 60);
  return plan;
}

// ---- A throwaway PKI ---------------------------------------------------------------------------

WallTime WallNow() {
  return WallTimeFromNanos(
      duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// A CA and one certificate per node in a fresh temporary directory, removed on destruction.
class BenchPki {
 public:
  static Result<std::unique_ptr<BenchPki>> Create(const std::vector<NodeId>& nodes);
  ~BenchPki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  BenchPki(const BenchPki&) = delete;
  BenchPki& operator=(const BenchPki&) = delete;

  TlsFiles FilesFor(const NodeId& node) const { return files_.at(node); }

 private:
  explicit BenchPki(std::string dir) : dir_(std::move(dir)) {}
  Status Issue(const Pem& ca, const std::string& ca_file, const NodeId& node,
               CertValidity validity);

  std::string dir_;
  std::map<NodeId, TlsFiles> files_;
};

Result<std::unique_ptr<BenchPki>> BenchPki::Create(const std::vector<NodeId>& nodes) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "lashup-bench-pki-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return UnavailableError("cannot create a temporary directory: " +
                            std::string(std::strerror(errno)));
  }
  // Owned from here on, so every early return below removes the directory.
  std::unique_ptr<BenchPki> pki(new BenchPki(pattern));
  const CertValidity validity{WallNow() - std::chrono::hours(1),
                              WallNow() + std::chrono::hours(24)};
  LASHUP_ASSIGN_OR_RETURN(Pem ca, GenerateCa("lashup transport_bench CA", validity));
  const std::string ca_file = pki->dir_ + "/ca.crt";
  LASHUP_RETURN_IF_ERROR(WriteFile(ca_file, ca.cert, false));
  for (const NodeId& node : nodes) {
    LASHUP_RETURN_IF_ERROR(pki->Issue(ca, ca_file, node, validity));
  }
  return pki;
}

Status BenchPki::Issue(const Pem& ca, const std::string& ca_file, const NodeId& node,
                       CertValidity validity) {
  LeafSpec spec;
  spec.common_name = node.str();
  spec.dns_names = {node.str()};
  spec.validity = validity;
  LASHUP_ASSIGN_OR_RETURN(Pem leaf, IssueLeaf(ca, spec));
  TlsFiles files{ca_file, dir_ + "/" + node.str() + ".crt", dir_ + "/" + node.str() + ".key"};
  LASHUP_RETURN_IF_ERROR(WriteFile(files.cert_file, leaf.cert, false));
  LASHUP_RETURN_IF_ERROR(WriteFile(files.key_file, leaf.key, true));
  files_[node] = std::move(files);
  return Status::Ok();
}

// ---- Signals from the client's loop thread -----------------------------------------------------

// The client driver's callbacks run on its loop thread; the bench waits on the main thread. The
// loop thread notifies only when something a waiter waits for happened (the link came up, the
// last echo of a run arrived), so a busy run costs one uncontended lock per echo, not a wake-up.
class ClientSignals {
 public:
  void OnConnection(const NodeId& peer, LinkState state) {
    if (peer != ServerId()) return;
    std::lock_guard lock(mutex_);
    linked_ = state == LinkState::kUp;
    if (!linked_) ++downs_;
    cv_.notify_all();
  }
  void OnEvent(const Event& event) {
    if (!std::holds_alternative<RttMeasured>(event)) return;
    std::lock_guard lock(mutex_);
    if (++echoes_ == expected_) cv_.notify_all();
  }
  bool WaitLinked(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return cv_.wait_until(lock, deadline, [this] { return linked_; });
  }
  // Starts counting toward `echoes`; call before the run begins so no echo is missed.
  void Expect(uint64_t echoes) {
    std::lock_guard lock(mutex_);
    expected_ = echoes;
    echoes_ = 0;
  }
  // True once the expected echoes arrived; false at the deadline or when the link went down.
  bool WaitEchoes(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    cv_.wait_until(lock, deadline, [this] { return echoes_ >= expected_ || !linked_; });
    return echoes_ >= expected_;
  }
  uint64_t downs() {
    std::lock_guard lock(mutex_);
    return downs_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool linked_ = false;
  uint64_t downs_ = 0;
  uint64_t expected_ = 0;
  uint64_t echoes_ = 0;
};

// ---- Two nodes ---------------------------------------------------------------------------------

struct PhaseResult {
  uint64_t count = 0;
  uint32_t window = 0;
  Duration elapsed{0};
  std::vector<Duration> rtts;
};

// What the client core holds after a run, read on its loop thread.
struct ClientView {
  uint64_t sent = 0;
  uint64_t echoed = 0;
  uint64_t stray = 0;
  uint64_t corrupt = 0;
  uint64_t reordered = 0;
  std::vector<Duration> rtts;
};

// A server and a client driver, linked. Stops both on destruction, client first.
class EchoPair {
 public:
  static Result<std::unique_ptr<EchoPair>> Start(Security security, const BenchPki& pki,
                                                 const Plan& plan);
  ~EchoPair() {
    if (client_) client_->Stop();
    if (server_) server_->Stop();
  }
  EchoPair(const EchoPair&) = delete;
  EchoPair& operator=(const EchoPair&) = delete;

  Result<PhaseResult> Run(const EchoRun& run, Duration timeout);
  Duration link_setup() const { return link_setup_; }
  TransportCounters client_stats() const { return client_->stats(); }
  TransportCounters server_stats() const { return server_->stats(); }

 private:
  EchoPair() = default;
  static AsioDriverConfig ConfigFor(const NodeId& self, Security security, const BenchPki& pki);
  Status StartDrivers(Security security, const BenchPki& pki);
  Status Link(Duration timeout);
  Result<ClientView> ReadClient();

  // Declared before the drivers, whose loop threads use them, so they outlive the drivers.
  MemoryStorage server_storage_;
  MemoryStorage client_storage_;
  ClientSignals signals_;
  Duration link_setup_{0};
  std::unique_ptr<AsioDriver> server_;
  std::unique_ptr<AsioDriver> client_;
};

AsioDriverConfig EchoPair::ConfigFor(const NodeId& self, Security security, const BenchPki& pki) {
  AsioDriverConfig config;
  config.self = self;
  config.listen = "127.0.0.1:0";
  config.security = security;
  if (security == Security::kTls) config.tls = pki.FilesFor(self);
  config.log = [](LogLevel level, std::string_view message) {
    if (level < LogLevel::kWarning) return;  // link ups and downs are expected; trouble is not
    std::fprintf(stderr, "transport_bench: %s: %.*s\n", std::string(LogLevelName(level)).c_str(),
                 static_cast<int>(message.size()), message.data());
  };
  return config;
}

Result<std::unique_ptr<EchoPair>> EchoPair::Start(Security security, const BenchPki& pki,
                                                  const Plan& plan) {
  std::unique_ptr<EchoPair> pair(new EchoPair());
  LASHUP_RETURN_IF_ERROR(pair->StartDrivers(security, pki));
  LASHUP_RETURN_IF_ERROR(pair->Link(plan.link_timeout));
  return pair;
}

Status EchoPair::StartDrivers(Security security, const BenchPki& pki) {
  auto server_core = [](const CoreContext& context) {
    return std::make_unique<EchoBenchCore>(context, EchoRole::kServer, NodeId());
  };
  LASHUP_ASSIGN_OR_RETURN(server_, AsioDriver::Start(ConfigFor(ServerId(), security, pki),
                                                     server_core, &server_storage_));
  auto client_core = [](const CoreContext& context) {
    return std::make_unique<EchoBenchCore>(context, EchoRole::kClient, ServerId());
  };
  DriverCallbacks callbacks;
  callbacks.on_connection = [this](const NodeId& peer, LinkState state) {
    signals_.OnConnection(peer, state);
  };
  callbacks.on_event = [this](const Event& event) { signals_.OnEvent(event); };
  LASHUP_ASSIGN_OR_RETURN(client_,
                          AsioDriver::Start(ConfigFor(ClientId(), security, pki), client_core,
                                            &client_storage_, std::move(callbacks)));
  return Status::Ok();
}

// Tells the client where the server listens, then asks for the link (in that order on the loop
// thread: both are posted to it) and waits until it is up.
Status EchoPair::Link(Duration timeout) {
  const Clock::time_point start = Clock::now();
  LASHUP_RETURN_IF_ERROR(client_->SetPeerAddress(ServerId(), server_->listen_endpoint()));
  Status opened;
  LASHUP_RETURN_IF_ERROR(client_->Invoke([&opened](Core& core, const Now&, Effects& out) {
    opened = static_cast<EchoBenchCore&>(core).Open(out);
  }));
  LASHUP_RETURN_IF_ERROR(opened);
  if (!signals_.WaitLinked(start + timeout)) {
    return DeadlineExceededError(
        "the client's link to the server did not come up within " +
        std::to_string(duration_cast<std::chrono::seconds>(timeout).count()) + " s");
  }
  link_setup_ = Clock::now() - start;
  return Status::Ok();
}

Result<ClientView> EchoPair::ReadClient() {
  ClientView view;
  LASHUP_RETURN_IF_ERROR(client_->Invoke([&view](Core& core, const Now&, Effects&) {
    const auto& echo = static_cast<const EchoBenchCore&>(core);
    view.sent = echo.sent();
    view.echoed = echo.echoed();
    view.stray = echo.stray();
    view.corrupt = echo.corrupt();
    view.reordered = echo.reordered();
    view.rtts = echo.rtts();
  }));
  return view;
}

// Runs one phase: the wall time runs from just before the run begins to the last echo's event.
Result<PhaseResult> EchoPair::Run(const EchoRun& run, Duration timeout) {
  signals_.Expect(run.count);
  const Clock::time_point start = Clock::now();
  Status begun;
  LASHUP_RETURN_IF_ERROR(client_->Invoke([&](Core& core, const Now& now, Effects& out) {
    begun = static_cast<EchoBenchCore&>(core).Begin(run, now, out);
  }));
  LASHUP_RETURN_IF_ERROR(begun);
  const bool finished = signals_.WaitEchoes(start + timeout);
  const Duration elapsed = Clock::now() - start;
  LASHUP_ASSIGN_OR_RETURN(ClientView view, ReadClient());
  const std::string what = std::to_string(run.count) + " messages of " +
                           std::to_string(run.payload_bytes) + " B, window " +
                           std::to_string(run.window) + ": ";
  if (!finished) {
    return DeadlineExceededError(
        what + "only " + std::to_string(view.echoed) + " echoes of " + std::to_string(view.sent) +
        " sent after " + std::to_string(duration_cast<std::chrono::milliseconds>(elapsed).count()) +
        " ms; link downs so far: " + std::to_string(signals_.downs()));
  }
  if (view.stray + view.corrupt + view.reordered != 0) {
    return DataLossError(what + std::to_string(view.stray) + " stray, " +
                         std::to_string(view.corrupt) + " corrupt, " +
                         std::to_string(view.reordered) + " reordered echoes");
  }
  return PhaseResult{run.count, run.window, elapsed, std::move(view.rtts)};
}

// ---- One case and the figures ------------------------------------------------------------------

struct CaseResult {
  Security security = Security::kTls;
  size_t payload_bytes = 0;
  Duration link_setup{0};
  PhaseResult latency;
  PhaseResult throughput;
};

const char* SecurityName(Security security) {
  return security == Security::kTls ? "tls" : "plaintext";
}

Result<CaseResult> RunCase(Security security, size_t payload_bytes, const BenchPki& pki,
                           const Plan& plan) {
  LASHUP_ASSIGN_OR_RETURN(std::unique_ptr<EchoPair> pair, EchoPair::Start(security, pki, plan));
  CaseResult result{security, payload_bytes, pair->link_setup(), {}, {}};
  LASHUP_RETURN_IF_ERROR(
      pair->Run(EchoRun{plan.warmup, kWarmupWindow, payload_bytes}, plan.phase_timeout)
          .status()
          .WithContext("warm-up"));
  LASHUP_ASSIGN_OR_RETURN(result.latency,
                          pair->Run(EchoRun{plan.latency, 1, payload_bytes}, plan.phase_timeout));
  LASHUP_ASSIGN_OR_RETURN(
      result.throughput,
      pair->Run(EchoRun{plan.throughput, kThroughputWindow, payload_bytes}, plan.phase_timeout));
  const TransportCounters client = pair->client_stats();
  const TransportCounters server = pair->server_stats();
  const uint64_t lost = client.links_down + server.links_down;
  if (lost + client.slow_peer_drops + server.slow_peer_drops != 0) {
    return InternalError("the link was lost or shed during the run; client " + client.ToJson() +
                         ", server " + server.ToJson());
  }
  return result;
}

double Micros(Duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// Nearest-rank percentile (the smallest sample with at least p of all samples at or below it).
double PercentileUs(std::vector<Duration> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(samples.size())));
  return Micros(samples[std::clamp<size_t>(rank, 1, samples.size()) - 1]);
}

double MessagesPerSecond(const PhaseResult& phase) {
  return static_cast<double>(phase.count) / Seconds(phase.elapsed);
}

// Payload bytes (10^6) per second in each direction; headers and framing not included.
double MegabytesPerSecond(const PhaseResult& phase, size_t payload_bytes) {
  return MessagesPerSecond(phase) * static_cast<double>(payload_bytes) / 1e6;
}

void PrintTable(const std::vector<CaseResult>& results, unsigned cpus) {
  std::printf(
      "transport_bench: 2 AsioDrivers on 127.0.0.1, %u CPUs; latency window 1, "
      "throughput window %u; RTT in us, MB/s = payload each way\n",
      cpus, kThroughputWindow);
  std::printf("%-9s %7s %8s %7s %7s %8s %10s %8s %9s %9s %8s\n", "security", "payload", "lat.msgs",
              "p50", "p99", "tp.msgs", "msgs/s", "MB/s", "load.p50", "load.p99", "setup.ms");
  for (const CaseResult& r : results) {
    std::printf("%-9s %7zu %8" PRIu64 " %7.1f %7.1f %8" PRIu64 " %10.0f %8.2f %9.1f %9.1f %8.1f\n",
                SecurityName(r.security), r.payload_bytes, r.latency.count,
                PercentileUs(r.latency.rtts, 0.5), PercentileUs(r.latency.rtts, 0.99),
                r.throughput.count, MessagesPerSecond(r.throughput),
                MegabytesPerSecond(r.throughput, r.payload_bytes),
                PercentileUs(r.throughput.rtts, 0.5), PercentileUs(r.throughput.rtts, 0.99),
                Micros(r.link_setup) / 1000);
  }
}

std::string JsonEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char code[8];
      std::snprintf(code, sizeof(code), "\\u%04x", static_cast<unsigned>(c));
      out += code;
    } else {
      out += c;
    }
  }
  return out;
}

std::string CaseJson(const CaseResult& r) {
  char buffer[512];
  std::snprintf(
      buffer, sizeof(buffer),
      "{\"security\":\"%s\",\"payload_bytes\":%zu,\"latency_messages\":%" PRIu64
      ",\"rtt_p50_us\":%.1f,\"rtt_p99_us\":%.1f,\"throughput_messages\":%" PRIu64
      ",\"window\":%u,\"msgs_per_sec\":%.0f,\"mb_per_sec\":%.2f,\"loaded_rtt_p50_us\":%.1f,"
      "\"loaded_rtt_p99_us\":%.1f,\"link_setup_ms\":%.1f}",
      SecurityName(r.security), r.payload_bytes, r.latency.count, PercentileUs(r.latency.rtts, 0.5),
      PercentileUs(r.latency.rtts, 0.99), r.throughput.count, r.throughput.window,
      MessagesPerSecond(r.throughput), MegabytesPerSecond(r.throughput, r.payload_bytes),
      PercentileUs(r.throughput.rtts, 0.5), PercentileUs(r.throughput.rtts, 0.99),
      Micros(r.link_setup) / 1000);
  return buffer;
}

void PrintJson(const std::vector<CaseResult>& results, const Options& options, unsigned cpus,
               const Status& status) {
  std::string json =
      "{\"bench\":\"transport\",\"ok\":" + std::string(status.ok() ? "true" : "false");
  if (!status.ok()) json += ",\"error\":\"" + JsonEscape(status.ToString()) + "\"";
  json += ",\"quick\":" + std::string(options.quick ? "true" : "false");
  char scale[32];
  std::snprintf(scale, sizeof(scale), "%g", options.count_scale);
  json += ",\"count_scale\":" + std::string(scale) + ",\"results\":[";
  for (size_t i = 0; i < results.size(); ++i) json += (i ? "," : "") + CaseJson(results[i]);
  json += "],\"host_cpus\":" + std::to_string(cpus) + "}";
  std::printf("%s\n", json.c_str());
}

// Every case in turn; the first failure ends the run (a broken transport would only time out
// again in the next case).
Status RunAll(const Options& options, std::vector<CaseResult>& results) {
  LASHUP_ASSIGN_OR_RETURN(std::unique_ptr<BenchPki> pki,
                          BenchPki::Create({ServerId(), ClientId()}));
  for (Security security : kSecurities) {
    for (size_t payload_bytes : kPayloadSizes) {
      Result<CaseResult> result =
          RunCase(security, payload_bytes, *pki, PlanFor(payload_bytes, options));
      if (!result.ok()) {
        return result.status().WithContext(std::string(SecurityName(security)) + ", " +
                                           std::to_string(payload_bytes) + " B");
      }
      results.push_back(std::move(result).value());
    }
  }
  return Status::Ok();
}

int Main(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "transport_bench: %s\n%s\n", options.status().ToString().c_str(), kUsage);
    return 2;
  }
  const unsigned cpus = std::thread::hardware_concurrency();
  std::vector<CaseResult> results;
  const Status status = RunAll(*options, results);
  if (!status.ok()) {
    std::fprintf(stderr, "transport_bench: FAILED: %s\n", status.ToString().c_str());
  }
  PrintTable(results, cpus);
  std::fflush(stdout);
  PrintJson(results, *options, cpus, status);
  return status.ok() ? 0 : 1;
}

}  // namespace
}  // namespace lashup::net

int main(int argc, char** argv) { return lashup::net::Main(argc, argv); }
