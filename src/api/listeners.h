// Listeners: the application's callbacks registered on a Node, and the dispatch of the node
// core's events to them.
//
// Contract: every method runs on the node's thread (inside a driver command or the driver's
// on_event), so no lock is needed and a listener removed in one step is never called in a
// later one. Ids come from one counter for every kind of listener. KV watches map to store
// subscriptions one to one; topic listeners share the topic's multicast subscription, which the
// caller adds with the first listener and drops with the last (`TopicStillWanted`).
#ifndef LASHUP_API_LISTENERS_H_
#define LASHUP_API_LISTENERS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "core/event.h"
#include "lashup/node.h"

namespace lashup::api {

class Listeners {
 public:
  using KeyFn = std::function<void(const KeyEvent&)>;
  using TopicFn = std::function<void(const TopicMessage&)>;
  using RoutesFn = std::function<void(const RoutesEvent&)>;

  uint64_t AddKeys(uint64_t store_subscription, KeyFn fn);
  uint64_t AddTopic(const std::string& topic, TopicFn fn);
  uint64_t AddRoutes(RoutesFn fn);

  struct Removed {
    bool found = false;
    std::optional<uint64_t> store_subscription;  // a KV watch: drop it from the store
    std::optional<std::string> topic;            // a topic listener: its topic
  };
  Removed Remove(uint64_t id);
  bool TopicStillWanted(const std::string& topic) const { return by_topic_.contains(topic); }

  void Dispatch(const Event& event) const;

  size_t size() const { return keys_.size() + topics_.size() + routes_.size(); }

 private:
  struct KeyListener {
    uint64_t store_subscription = 0;
    KeyFn fn;
  };
  struct TopicListener {
    std::string topic;
    TopicFn fn;
  };
  void DispatchKeys(const KvChanged& changed) const;
  void DispatchTopic(const McDelivered& delivered) const;
  void DispatchRoutes(const RoutesChanged& changed) const;

  uint64_t next_id_ = 1;
  std::map<uint64_t, KeyListener> keys_;
  std::map<uint64_t, uint64_t> by_store_subscription_;  // -> listener id
  std::map<uint64_t, TopicListener> topics_;
  std::map<std::string, std::set<uint64_t>> by_topic_;
  std::map<uint64_t, RoutesFn> routes_;
};

}  // namespace lashup::api

#endif  // LASHUP_API_LISTENERS_H_
