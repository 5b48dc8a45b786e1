// LASHUP_CHECK: invariants whose failure is a bug, not an input error.
//
// A failed check prints the condition, the place, an optional message and the current failure
// context (the simulator sets it to its seed so a failing run can be replayed), then aborts.
// Input from the network or from callers never reaches a check: it is validated into a Status.
#ifndef LASHUP_CORE_CHECK_H_
#define LASHUP_CORE_CHECK_H_

#include <string>

namespace lashup::internal {

[[noreturn]] void CheckFailed(const char* condition, const char* file, int line,
                              const std::string& message);

// Diagnostic text printed with any check failure on this thread (for example "sim seed=42").
// It never influences behaviour; it is the one piece of thread-local state in lashup, kept so a
// crash deep in a core still tells how to reproduce it. Restores the previous text on scope exit.
class ScopedFailureContext {
 public:
  explicit ScopedFailureContext(std::string context);
  ~ScopedFailureContext();
  ScopedFailureContext(const ScopedFailureContext&) = delete;
  ScopedFailureContext& operator=(const ScopedFailureContext&) = delete;

 private:
  std::string previous_;
};

}  // namespace lashup::internal

#define LASHUP_CHECK(cond, ...)                                                  \
  do {                                                                           \
    if (!(cond)) [[unlikely]] {                                                  \
      ::lashup::internal::CheckFailed(#cond, __FILE__, __LINE__,                 \
                                      ::std::string(__VA_OPT__(__VA_ARGS__)));   \
    }                                                                            \
  } while (false)

#ifdef NDEBUG
#define LASHUP_DCHECK(cond, ...) \
  do {                           \
    (void)sizeof(cond);          \
  } while (false)
#else
#define LASHUP_DCHECK(cond, ...) LASHUP_CHECK(cond __VA_OPT__(, ) __VA_ARGS__)
#endif

#endif  // LASHUP_CORE_CHECK_H_
