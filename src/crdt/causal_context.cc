#include "lashup/crdt/causal_context.h"

#include <algorithm>
#include <sstream>

namespace lashup::crdt {

Result<CausalContext> CausalContext::FromParts(VersionVector compact, std::vector<Dot> cloud) {
  for (size_t i = 0; i < cloud.size(); ++i) {
    if (cloud[i].counter == 0) return InvalidArgumentError("causal context: dot counter 0");
    if (cloud[i].counter > kMaxDotCounter) {
      return InvalidArgumentError("causal context: dot counter exceeds the limit 2^62");
    }
    if (i > 0 && !(cloud[i - 1] < cloud[i])) {
      return InvalidArgumentError("causal context: cloud not sorted and distinct");
    }
  }
  CausalContext context(std::move(compact));
  context.cloud_ = std::move(cloud);
  context.Compact();
  return context;
}

bool CausalContext::Contains(const Dot& dot) const {
  return compact_.Contains(dot) || std::binary_search(cloud_.begin(), cloud_.end(), dot);
}

Dot CausalContext::NextDot(ActorId actor) const {
  uint64_t highest = compact_.Get(actor);
  // The cloud is sorted by (actor, counter): the actor's last cloud dot is its highest.
  auto it = std::lower_bound(cloud_.begin(), cloud_.end(), Dot{ActorId(actor.value() + 1), 0});
  if (actor.value() == UINT64_MAX) it = cloud_.end();
  if (it != cloud_.begin() && std::prev(it)->actor == actor) {
    highest = std::max(highest, std::prev(it)->counter);
  }
  return Dot{actor, highest + 1};
}

void CausalContext::Add(const Dot& dot) {
  const uint64_t have = compact_.Get(dot.actor);
  if (dot.counter <= have) return;
  if (dot.counter == have + 1) {
    compact_.Raise(dot.actor, dot.counter);
    if (!cloud_.empty()) Compact();
    return;
  }
  auto it = std::lower_bound(cloud_.begin(), cloud_.end(), dot);
  if (it == cloud_.end() || *it != dot) cloud_.insert(it, dot);
}

void CausalContext::Merge(const CausalContext& other) {
  if (other.empty()) return;
  compact_.Merge(other.compact_);
  if (!other.cloud_.empty()) {
    std::vector<Dot> merged;
    merged.reserve(cloud_.size() + other.cloud_.size());
    std::set_union(cloud_.begin(), cloud_.end(), other.cloud_.begin(), other.cloud_.end(),
                   std::back_inserter(merged));
    cloud_ = std::move(merged);
  }
  if (!cloud_.empty()) Compact();
}

bool CausalContext::Includes(const CausalContext& other) const {
  for (const auto& [actor, counter] : other.compact_.entries()) {
    const uint64_t have = compact_.Get(actor);
    if (counter <= have) continue;
    // Dots of other's vector beyond ours must all be in our cloud.
    auto first = std::upper_bound(cloud_.begin(), cloud_.end(), Dot{actor, have});
    auto last = std::upper_bound(cloud_.begin(), cloud_.end(), Dot{actor, counter});
    if (static_cast<uint64_t>(last - first) != counter - have) return false;
  }
  return std::all_of(other.cloud_.begin(), other.cloud_.end(),
                     [this](const Dot& d) { return Contains(d); });
}

VersionVector CausalContext::Summary() const {
  VersionVector out = compact_;
  for (const Dot& d : cloud_) out.Raise(d.actor, d.counter);
  return out;
}

uint64_t CausalContext::DotCount() const {
  uint64_t n = cloud_.size();
  for (const auto& entry : compact_.entries()) {
    if (entry.second > UINT64_MAX - n) return UINT64_MAX;  // saturates: a hostile vector
    n += entry.second;
  }
  return n;
}

void CausalContext::Compact() {
  // Cloud dots are sorted by actor then counter, so one pass absorbs each actor's contiguous run.
  std::vector<Dot> kept;
  for (const Dot& d : cloud_) {
    const uint64_t have = compact_.Get(d.actor);
    if (d.counter <= have) continue;
    if (d.counter == have + 1) {
      compact_.Raise(d.actor, d.counter);
    } else {
      kept.push_back(d);
    }
  }
  cloud_ = std::move(kept);
}

std::string CausalContext::ToString() const {
  std::ostringstream os;
  os << *this;
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const CausalContext& context) {
  os << context.compact();
  if (!context.cloud().empty()) {
    os << "+[";
    for (size_t i = 0; i < context.cloud().size(); ++i) {
      os << (i ? ", " : "") << context.cloud()[i];
    }
    os << ']';
  }
  return os;
}

}  // namespace lashup::crdt
