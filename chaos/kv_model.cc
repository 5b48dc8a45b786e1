#include "chaos/kv_model.h"

#include <sstream>

#include "kv/key_path.h"

namespace lashup::chaos {
namespace {

namespace ops = crdt::ops;

std::string Join(const std::set<std::string>& items) {
  std::string text = "[";
  for (const std::string& item : items) text += (text.size() > 1 ? "," : "") + item;
  return text + "]";
}

// A set field must hold exactly `want`; an absent field reads as the empty set.
void DiffSet(const crdt::MapValue& value, const char* field, const std::set<std::string>& want,
             std::ostringstream& out) {
  const crdt::Value* got = value.Find(field, crdt::CrdtType::kOrSet);
  std::set<std::string> have;
  if (got != nullptr) have.insert(got->AsSet()->begin(), got->AsSet()->end());
  if (have == want) return;
  std::set<std::string> missing, extra;
  for (const std::string& e : want) {
    if (have.count(e) == 0) missing.insert(e);
  }
  for (const std::string& e : have) {
    if (want.count(e) == 0) extra.insert(e);
  }
  out << " " << field << ": missing " << Join(missing) << " extra " << Join(extra) << ";";
}

}  // namespace

std::vector<crdt::MapOp> ModelWrite::Ops() const {
  std::vector<crdt::MapOp> out;
  if (!add.empty()) out.push_back(ops::AddAll(kSetField, add));
  if (!remove.empty()) out.push_back(ops::RemoveAll(kSetField, remove));
  if (increment != 0) out.push_back(ops::Increment(kCounterField, increment));
  if (enable) out.push_back(ops::Enable(kFlagField));
  if (assign) out.push_back(ops::Assign(kRegisterField, assign->value, assign->timestamp));
  if (!nested_add.empty()) {
    out.push_back(ops::Update(kMapField, {ops::AddAll(kNestedSetField, nested_add)}));
  }
  return out;
}

bool KvModel::KeyState::Empty() const {
  return set.empty() && counter == 0 && !flag && !reg && nested.empty();
}

void KvModel::Apply(const Key& key, const ModelWrite& write) {
  KeyState& state = keys_[key];
  state.set.insert(write.add.begin(), write.add.end());
  for (const std::string& e : write.remove) state.set.erase(e);
  state.counter += write.increment;
  state.flag = state.flag || write.enable;
  if (write.assign && (!state.reg || state.reg->timestamp < write.assign->timestamp)) {
    state.reg = write.assign;
  }
  state.nested.insert(write.nested_add.begin(), write.nested_add.end());
}

size_t KvModel::elements() const {
  size_t n = 0;
  for (const auto& [key, state] : keys_) n += state.set.size() + state.nested.size();
  return n;
}

std::string KvModel::Diff(const Key& key, const crdt::MapValue* value) const {
  auto it = keys_.find(key);
  const bool want_absent = it == keys_.end() || it->second.Empty();
  if (value == nullptr || value->empty()) {
    return want_absent ? "" : kv::KeyToString(key) + ": absent, but acknowledged writes put fields there";
  }
  if (want_absent) return kv::KeyToString(key) + ": present, but no acknowledged write made it";
  const KeyState& want = it->second;
  std::ostringstream out;
  DiffSet(*value, kSetField, want.set, out);
  const crdt::Value* counter = value->Find(kCounterField, crdt::CrdtType::kCounter);
  const int64_t have_counter = counter == nullptr ? 0 : *counter->AsCounter();
  if (have_counter != want.counter) {
    out << " " << kCounterField << ": " << have_counter << " want " << want.counter << ";";
  }
  const crdt::Value* flag = value->Find(kFlagField, crdt::CrdtType::kFlag);
  if ((flag != nullptr && *flag->AsFlag()) != want.flag) out << " " << kFlagField << " differs;";
  const crdt::Value* reg = value->Find(kRegisterField, crdt::CrdtType::kRegister);
  if ((reg == nullptr) != !want.reg || (reg != nullptr && !(*reg->AsRegister() == *want.reg))) {
    out << " " << kRegisterField << ": "
        << (reg == nullptr ? "absent" : reg->AsRegister()->value) << " want "
        << (want.reg ? want.reg->value : "absent") << ";";
  }
  const crdt::Value* map = value->Find(kMapField, crdt::CrdtType::kMap);
  DiffSet(map == nullptr ? crdt::MapValue{} : *map->AsMap(), kNestedSetField, want.nested, out);
  const std::string diff = out.str();
  return diff.empty() ? "" : kv::KeyToString(key) + ":" + diff;
}

std::vector<std::string> KvModel::Diff(const std::map<Key, crdt::MapValue>& snapshot) const {
  std::vector<std::string> diffs;
  for (const auto& [key, state] : keys_) {
    auto it = snapshot.find(key);
    std::string diff = Diff(key, it == snapshot.end() ? nullptr : &it->second);
    if (!diff.empty()) diffs.push_back(std::move(diff));
  }
  for (const auto& [key, value] : snapshot) {
    if (keys_.count(key) == 0) diffs.push_back(kv::KeyToString(key) + ": a key no write made");
  }
  return diffs;
}

}  // namespace lashup::chaos
