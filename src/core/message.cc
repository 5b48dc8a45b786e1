#include "core/message.h"

namespace lashup {
namespace {

struct KindName {
  std::string_view operator()(const Ping&) const { return "ping"; }
  std::string_view operator()(const Pong&) const { return "pong"; }
  std::string_view operator()(const TestData&) const { return "test_data"; }
};

}  // namespace

std::string_view MessageKind(const Message& message) { return std::visit(KindName{}, message); }

}  // namespace lashup
