#include "lashup/crdt/orset.h"

#include <algorithm>

#include "crdt/mutators.h"

namespace lashup::crdt {
namespace {

std::vector<std::string_view> Distinct(const std::vector<std::string>& elements) {
  std::vector<std::string_view> out(elements.begin(), elements.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Result<OrSet> OrSet::FromParts(OrSetStore store, CausalContext context) {
  LASHUP_RETURN_IF_ERROR(internal::ValidateState(store, context));
  return OrSet(std::move(store), std::move(context));
}

OrSet OrSet::Add(ActorId actor, std::string_view element) {
  OrSet delta;
  internal::AddElement(store_, context_, actor, element, delta.store_, delta.context_);
  return delta;
}

OrSet OrSet::AddAll(ActorId actor, const std::vector<std::string>& elements) {
  OrSet delta;
  for (std::string_view e : Distinct(elements)) {
    internal::AddElement(store_, context_, actor, e, delta.store_, delta.context_);
  }
  return delta;
}

Result<OrSet> OrSet::Remove(std::string_view element) {
  OrSet delta;
  if (!internal::RemoveElement(store_, element, nullptr, delta.context_)) {
    return FailedPreconditionError("set element \"" + std::string(element) + "\" is not present");
  }
  return delta;
}

Result<OrSet> OrSet::RemoveAll(const std::vector<std::string>& elements) {
  const auto distinct = Distinct(elements);
  for (std::string_view e : distinct) {
    if (!Contains(e)) {
      return FailedPreconditionError("set element \"" + std::string(e) + "\" is not present");
    }
  }
  OrSet delta;
  for (std::string_view e : distinct) {
    internal::RemoveElement(store_, e, nullptr, delta.context_);
  }
  return delta;
}

OrSet OrSet::RemoveSeen(const std::vector<std::string>& elements, const CausalContext& seen) {
  OrSet delta;
  for (std::string_view e : Distinct(elements)) {
    internal::RemoveElement(store_, e, &seen, delta.context_);
  }
  return delta;
}

bool OrSet::Contains(std::string_view element) const {
  return store_.entries.find(element) != store_.entries.end();
}

SetValue OrSet::value() const {
  SetValue out;
  out.reserve(store_.entries.size());
  for (const auto& entry : store_.entries) out.push_back(entry.first);
  return out;
}

}  // namespace lashup::crdt
