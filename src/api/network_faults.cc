// lashup::testing::NetworkFaults: fault tables for the nodes' drivers, and node control.
#include "lashup/testing/network_faults.h"

#include "api/network_faults_impl.h"

namespace lashup::testing {

// ---- Fault tables (read on loop threads) -------------------------------------------------------

bool NetworkFaults::Impl::Blocked(const NodeId& from, const NodeId& to) const {
  if (!any_blocked_.load(std::memory_order_acquire)) return false;
  std::shared_lock lock(links_mutex_);
  return blocked_.contains(Pair(from, to));
}

Duration NetworkFaults::Impl::Delay(const NodeId& from, const NodeId& to) const {
  if (!any_delay_.load(std::memory_order_acquire)) return Duration(0);
  std::shared_lock lock(links_mutex_);
  auto it = delays_.find(Pair(from, to));
  return it == delays_.end() ? Duration(0) : it->second;
}

void NetworkFaults::Impl::Record(net::FaultEvent event) {
  switch (event) {
    case net::FaultEvent::kEnvelopeDropped:
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    case net::FaultEvent::kEnvelopeDelayed:
      delayed_.fetch_add(1, std::memory_order_relaxed);
      return;
    case net::FaultEvent::kDialRefused:
      refused_.fetch_add(1, std::memory_order_relaxed);
      return;
  }
}

void NetworkFaults::Impl::Block(const std::vector<Pair>& pairs) {
  std::unique_lock lock(links_mutex_);
  blocked_.insert(pairs.begin(), pairs.end());
  any_blocked_.store(!blocked_.empty(), std::memory_order_release);
}

void NetworkFaults::Impl::Unblock(const NodeId& from, const NodeId& to) {
  std::unique_lock lock(links_mutex_);
  blocked_.erase(Pair(from, to));
  any_blocked_.store(!blocked_.empty(), std::memory_order_release);
}

void NetworkFaults::Impl::HealAll() {
  std::unique_lock lock(links_mutex_);
  blocked_.clear();
  delays_.clear();
  any_blocked_.store(false, std::memory_order_release);
  any_delay_.store(false, std::memory_order_release);
}

void NetworkFaults::Impl::SetDelay(const NodeId& from, const NodeId& to, Duration delay) {
  std::unique_lock lock(links_mutex_);
  if (delay > Duration(0)) {
    delays_[Pair(from, to)] = delay;
  } else {
    delays_.erase(Pair(from, to));
  }
  any_delay_.store(!delays_.empty(), std::memory_order_release);
}

void NetworkFaults::Impl::ClearDelays() {
  std::unique_lock lock(links_mutex_);
  delays_.clear();
  any_delay_.store(false, std::memory_order_release);
}

NetworkFaults::Counters NetworkFaults::Impl::counters() const {
  return Counters{dropped_.load(std::memory_order_relaxed),
                  delayed_.load(std::memory_order_relaxed),
                  refused_.load(std::memory_order_relaxed)};
}

// ---- Node control ------------------------------------------------------------------------------

void NetworkFaults::Impl::Attach(const NodeId& node, net::AsioDriver* driver) {
  std::lock_guard lock(nodes_mutex_);
  nodes_[node] = Attached{driver, false};
}

void NetworkFaults::Impl::Detach(const NodeId& node, net::AsioDriver* driver) {
  std::lock_guard lock(nodes_mutex_);
  auto it = nodes_.find(node);
  if (it == nodes_.end() || it->second.driver != driver) return;
  // Callers blocked on a frozen node keep Close waiting; they finish once it runs again. (A
  // Thaw of a running node does nothing.)
  driver->Thaw();
  nodes_.erase(it);
}

NetworkFaults::Impl::Attached* NetworkFaults::Impl::Find(const NodeId& node) {
  auto it = nodes_.find(node);
  return it == nodes_.end() ? nullptr : &it->second;
}

namespace {

Status NotAttached(const NodeId& node) {
  return Status(StatusCode::kNotFound,
                "node " + node.str() + " is not open with this NetworkFaults in its config");
}

}  // namespace

Status NetworkFaults::Impl::CloseConnections(const NodeId& node) {
  std::lock_guard lock(nodes_mutex_);
  Attached* attached = Find(node);
  if (attached == nullptr) return NotAttached(node);
  // Its loop would only run the hook after a Thaw, which this lock would keep out.
  if (attached->frozen) {
    return Status(StatusCode::kFailedPrecondition,
                  "node " + node.str() + " is frozen: thaw it before closing its connections");
  }
  return attached->driver->CloseConnections();
}

Status NetworkFaults::Impl::Freeze(const NodeId& node) {
  std::lock_guard lock(nodes_mutex_);
  Attached* attached = Find(node);
  if (attached == nullptr) return NotAttached(node);
  attached->driver->Freeze();
  attached->frozen = true;
  return Status::Ok();
}

Status NetworkFaults::Impl::Thaw(const NodeId& node) {
  std::lock_guard lock(nodes_mutex_);
  Attached* attached = Find(node);
  if (attached == nullptr) return NotAttached(node);
  attached->driver->Thaw();
  attached->frozen = false;
  return Status::Ok();
}

// ---- The public class --------------------------------------------------------------------------

NetworkFaults::NetworkFaults() : impl_(std::make_unique<Impl>()) {}
NetworkFaults::~NetworkFaults() = default;

void NetworkFaults::Block(const NodeId& from, const NodeId& to) { impl_->Block({{from, to}}); }
void NetworkFaults::Unblock(const NodeId& from, const NodeId& to) { impl_->Unblock(from, to); }

void NetworkFaults::Partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) {
  std::vector<Impl::Pair> pairs;
  for (const NodeId& x : a) {
    for (const NodeId& y : b) {
      if (x == y) continue;  // a node is never cut from itself
      pairs.emplace_back(x, y);
      pairs.emplace_back(y, x);
    }
  }
  impl_->Block(pairs);
}

void NetworkFaults::Isolate(const NodeId& node, const std::vector<NodeId>& others) {
  Partition({node}, others);
}

void NetworkFaults::HealAll() { impl_->HealAll(); }
void NetworkFaults::SetDelay(const NodeId& from, const NodeId& to, Duration delay) {
  impl_->SetDelay(from, to, delay);
}
void NetworkFaults::ClearDelays() { impl_->ClearDelays(); }
bool NetworkFaults::Blocked(const NodeId& from, const NodeId& to) const {
  return impl_->Blocked(from, to);
}
Duration NetworkFaults::Delay(const NodeId& from, const NodeId& to) const {
  return impl_->Delay(from, to);
}
Status NetworkFaults::CloseConnections(const NodeId& node) { return impl_->CloseConnections(node); }
Status NetworkFaults::Freeze(const NodeId& node) { return impl_->Freeze(node); }
Status NetworkFaults::Thaw(const NodeId& node) { return impl_->Thaw(node); }
NetworkFaults::Counters NetworkFaults::counters() const { return impl_->counters(); }

}  // namespace lashup::testing
