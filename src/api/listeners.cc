#include "api/listeners.h"

#include <variant>

namespace lashup::api {

uint64_t Listeners::AddKeys(uint64_t store_subscription, KeyFn fn) {
  const uint64_t id = next_id_++;
  keys_[id] = KeyListener{store_subscription, std::move(fn)};
  by_store_subscription_[store_subscription] = id;
  return id;
}

uint64_t Listeners::AddTopic(const std::string& topic, TopicFn fn) {
  const uint64_t id = next_id_++;
  topics_[id] = TopicListener{topic, std::move(fn)};
  by_topic_[topic].insert(id);
  return id;
}

uint64_t Listeners::AddRoutes(RoutesFn fn) {
  const uint64_t id = next_id_++;
  routes_[id] = std::move(fn);
  return id;
}

Listeners::Removed Listeners::Remove(uint64_t id) {
  Removed removed;
  if (auto it = keys_.find(id); it != keys_.end()) {
    removed.found = true;
    removed.store_subscription = it->second.store_subscription;
    by_store_subscription_.erase(it->second.store_subscription);
    keys_.erase(it);
  } else if (auto topic = topics_.find(id); topic != topics_.end()) {
    removed.found = true;
    removed.topic = topic->second.topic;
    auto listeners = by_topic_.find(topic->second.topic);
    listeners->second.erase(id);
    if (listeners->second.empty()) by_topic_.erase(listeners);
    topics_.erase(topic);
  } else {
    removed.found = routes_.erase(id) > 0;
  }
  return removed;
}

void Listeners::Dispatch(const Event& event) const {
  if (const auto* changed = std::get_if<KvChanged>(&event)) {
    DispatchKeys(*changed);
  } else if (const auto* delivered = std::get_if<McDelivered>(&event)) {
    DispatchTopic(*delivered);
  } else if (const auto* routes = std::get_if<RoutesChanged>(&event)) {
    DispatchRoutes(*routes);
  }
}

void Listeners::DispatchKeys(const KvChanged& changed) const {
  if (keys_.empty()) return;
  const KeyEvent event{changed.key, changed.value, changed.snapshot};
  for (uint64_t subscription : changed.subscriptions) {
    auto id = by_store_subscription_.find(subscription);
    if (id == by_store_subscription_.end()) continue;  // removed after the change was made
    keys_.at(id->second).fn(event);
  }
}

void Listeners::DispatchTopic(const McDelivered& delivered) const {
  auto ids = by_topic_.find(delivered.topic);
  if (ids == by_topic_.end()) return;
  const TopicMessage message{delivered.origin, delivered.seq, delivered.topic, delivered.payload};
  for (uint64_t id : ids->second) topics_.at(id).fn(message);
}

void Listeners::DispatchRoutes(const RoutesChanged& changed) const {
  if (routes_.empty()) return;
  const RoutesEvent event{changed.reachable, changed.unreachable, changed.became_reachable,
                          changed.became_unreachable};
  for (const auto& [id, fn] : routes_) fn(event);
}

}  // namespace lashup::api
