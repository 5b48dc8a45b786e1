#include "net/net_test_util.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "core/check.h"

namespace lashup::net::testing {

WallTime WallNow() {
  return WallTimeFromNanos(
      std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

namespace {

CertValidity ValidNow() {
  return {WallNow() - std::chrono::hours(1), WallNow() + std::chrono::hours(24)};
}

Pem MustCa(const std::string& name) {
  Result<Pem> ca = GenerateCa(name, ValidNow());
  LASHUP_CHECK(ca.ok(), ca.status().ToString());
  return *ca;
}

Pem MustLeaf(const Pem& ca, const std::vector<std::string>& names, CertValidity validity) {
  LeafSpec spec;
  spec.common_name = names.empty() ? "nobody" : names.front();
  spec.dns_names = names;
  spec.validity = validity;
  Result<Pem> leaf = IssueLeaf(ca, spec);
  LASHUP_CHECK(leaf.ok(), leaf.status().ToString());
  return *leaf;
}

}  // namespace

TestPki::TestPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lashup-pki-XXXXXX").string();
  LASHUP_CHECK(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  dir_ = pattern;
  ca_ = MustCa("lashup test cluster CA");
  ca_file_ = dir_ + "/ca.crt";
  LASHUP_CHECK(WriteFile(ca_file_, ca_.cert, false).ok(), "writing the CA");
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestPki::Stem(const NodeId& id) {
  std::string stem;
  for (char c : id.str()) stem += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return stem;
}

TlsFiles TestPki::Write(const std::string& stem, const Pem& leaf, const std::string& ca_file) {
  const std::string base = dir_ + "/" + stem + "-" + std::to_string(counter_++);
  TlsFiles files{ca_file, base + ".crt", base + ".key"};
  LASHUP_CHECK(WriteFile(files.cert_file, leaf.cert, false).ok(), "writing a certificate");
  LASHUP_CHECK(WriteFile(files.key_file, leaf.key, true).ok(), "writing a key");
  return files;
}

TlsFiles TestPki::Issue(const std::string& file_stem, const std::vector<std::string>& names) {
  return Write(file_stem, MustLeaf(ca_, names, ValidNow()), ca_file_);
}

TlsFiles TestPki::Expired(const NodeId& id) {
  const CertValidity past{WallNow() - std::chrono::hours(48), WallNow() - std::chrono::hours(1)};
  return Write(Stem(id) + "-expired", MustLeaf(ca_, {id.str()}, past), ca_file_);
}

TlsFiles TestPki::FromOtherCa(const NodeId& id) {
  const Pem other = MustCa("some other CA");
  return Write(Stem(id) + "-other-ca", MustLeaf(other, {id.str()}, ValidNow()), ca_file_);
}

bool Waiter::WaitFor(const std::function<bool()>& ready, Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  while (true) {
    const uint64_t seen = version_;
    lock.unlock();
    if (ready()) return true;
    lock.lock();
    if (version_ != seen) continue;  // something changed while we looked
    // Conditions that involve a driver's own reading (Invoke) do not notify; re-check at least
    // every 20 ms so such a wait cannot miss a change. The wait still ends on the condition.
    const auto wake = std::min(deadline, std::chrono::steady_clock::now() + 20ms);
    cv_.wait_until(lock, wake);
    if (std::chrono::steady_clock::now() >= deadline && version_ == seen) {
      lock.unlock();
      return ready();
    }
  }
}

LogSink LogCapture::Sink() {
  return [this](LogLevel level, std::string_view message) {
    {
      std::lock_guard lock(mutex_);
      lines_.push_back(std::string(LogLevelName(level)) + ": " + std::string(message));
    }
    if (waiter_ != nullptr) waiter_->Notify();
  };
}

bool LogCapture::Contains(const std::string& text) const {
  std::lock_guard lock(mutex_);
  for (const auto& line : lines_) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string LogCapture::All() const {
  std::lock_guard lock(mutex_);
  std::string all;
  for (const auto& line : lines_) all += line + "\n";
  return all;
}

TransportLimits FastLimits() {
  TransportLimits limits;
  limits.handshake_timeout = 2s;
  limits.idle_timeout = 1s;
  limits.keepalive_interval = 200ms;
  limits.short_lived_idle = 1s;
  limits.close_linger = 500ms;
  return limits;
}

PingNode::PingNode(Options options, Waiter& waiter, LogCapture* log)
    : options_(std::move(options)), waiter_(waiter), log_(log) {}

Status PingNode::Start() {
  AsioDriverConfig config;
  config.self = options_.id;
  config.listen = port_ == 0 ? options_.listen : "127.0.0.1:" + std::to_string(port_);
  config.security = options_.security;
  config.tls = options_.tls;
  config.limits = options_.limits;
  config.reconnect_backoff_min = options_.backoff_min;
  config.reconnect_backoff_max = options_.backoff_max;
  config.check_invariants = true;
  config.peer_addresses = options_.addresses;
  if (log_ != nullptr) config.log = log_->Sink();
  config.sync_policy = options_.sync_policy;
  PingPongConfig ping{options_.peers, options_.ping_interval, options_.sync_every};
  DriverCallbacks callbacks;
  callbacks.on_connection = [this](const NodeId& peer, LinkState state) {
    {
      std::lock_guard lock(mutex_);
      (state == LinkState::kUp ? ups_ : downs_)[peer]++;
      linked_[peer] = state == LinkState::kUp;
    }
    waiter_.Notify();
  };
  callbacks.on_event = [this](const Event& event) {
    if (const auto* rtt = std::get_if<RttMeasured>(&event)) {
      std::lock_guard lock(mutex_);
      rtts_[rtt->peer]++;
    }
    waiter_.Notify();
  };
  auto factory = [ping](const CoreContext& context) {
    return std::make_unique<PingPongCore>(context, ping);
  };
  LASHUP_ASSIGN_OR_RETURN(driver_, AsioDriver::Start(config, factory, &storage_, callbacks));
  port_ = driver_->listen_endpoint().port;
  return Status::Ok();
}

void PingNode::Stop() {
  if (!driver_) return;
  driver_->Stop();
  driver_.reset();
  waiter_.Notify();
}

int PingNode::ups(const NodeId& peer) const {
  std::lock_guard lock(mutex_);
  auto it = ups_.find(peer);
  return it == ups_.end() ? 0 : it->second;
}

int PingNode::downs(const NodeId& peer) const {
  std::lock_guard lock(mutex_);
  auto it = downs_.find(peer);
  return it == downs_.end() ? 0 : it->second;
}

bool PingNode::linked(const NodeId& peer) const {
  std::lock_guard lock(mutex_);
  auto it = linked_.find(peer);
  return it != linked_.end() && it->second;
}

uint64_t PingNode::rtts_from(const NodeId& peer) const {
  std::lock_guard lock(mutex_);
  auto it = rtts_.find(peer);
  return it == rtts_.end() ? 0 : it->second;
}

Status PingNode::Read(const std::function<void(const PingPongCore&)>& read) {
  if (!driver_) return UnavailableError("node not running");
  return driver_->Invoke([&read](lashup::Core& core, const Now&, Effects&) {
    read(static_cast<const PingPongCore&>(core));
  });
}

uint64_t PingNode::pongs() {
  uint64_t pongs = 0;
  if (!Read([&](const PingPongCore& core) { pongs = core.pongs_received(); }).ok()) return 0;
  return pongs;
}

std::vector<TestData> PingNode::data() {
  std::vector<TestData> data;
  if (!Read([&](const PingPongCore& core) { data = core.data_received(); }).ok()) return {};
  return data;
}

void Introduce(const std::vector<PingNode*>& nodes) {
  for (PingNode* a : nodes) {
    for (PingNode* b : nodes) {
      if (a != b && a->running()) {
        Status set = a->driver().SetPeerAddress(b->id(), Endpoint{"127.0.0.1", b->port()});
        LASHUP_CHECK(set.ok(), set.ToString());
      }
    }
  }
}

}  // namespace lashup::net::testing
