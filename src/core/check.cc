#include "core/check.h"

#include <cstdio>
#include <cstdlib>

namespace lashup::internal {
namespace {
thread_local std::string failure_context;
}  // namespace

void CheckFailed(const char* condition, const char* file, int line, const std::string& message) {
  std::fprintf(stderr, "lashup: check failed at %s:%d: %s", file, line, condition);
  if (!message.empty()) std::fprintf(stderr, " (%s)", message.c_str());
  if (!failure_context.empty()) std::fprintf(stderr, " [%s]", failure_context.c_str());
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  std::abort();
}

ScopedFailureContext::ScopedFailureContext(std::string context)
    : previous_(std::move(failure_context)) {
  failure_context = std::move(context);
}

ScopedFailureContext::~ScopedFailureContext() { failure_context = std::move(previous_); }

}  // namespace lashup::internal
