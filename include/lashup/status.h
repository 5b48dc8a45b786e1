// Status and Result<T>: how every lashup operation reports failure.
//
// Contract: nothing in lashup throws across its API. A function that can fail returns a Status
// (no value) or a Result<T> (a value or a non-OK Status). Codes follow the canonical set used by
// Abseil and gRPC, and each tells the caller what to do:
//   kInvalidArgument, kOutOfRange, kFailedPrecondition: fix the input or the call order;
//   kUnavailable, kDeadlineExceeded: retry, with backoff;
//   kResourceExhausted: back off, the system is shedding load;
//   kAborted: a concurrent change won (for example a compare-and-set); re-read and retry;
//   kDataLoss, kInternal: a bug or corruption; report it.
// Status and Result are plain values: not thread-safe to mutate concurrently, safe to copy.
#ifndef LASHUP_STATUS_H_
#define LASHUP_STATUS_H_

#include <cstdlib>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace lashup {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "INVALID_ARGUMENT" and so on; "UNKNOWN_CODE" for values outside the enum.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: frame length 9999999 exceeds limit 1048576", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

Status CancelledError(std::string message);
Status UnknownError(std::string message);
Status InvalidArgumentError(std::string message);
Status DeadlineExceededError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status AbortedError(std::string message);
Status OutOfRangeError(std::string message);
Status UnimplementedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DataLossError(std::string message);
Status UnauthenticatedError(std::string message);

namespace internal {
// Aborts with a message; used when a Result's value is read while it holds an error.
[[noreturn]] void DieBadResultAccess(const Status& status);
}  // namespace internal

// A value of type T, or the Status explaining why there is none. Reading value() of an error
// aborts (it is a bug in the caller), so check ok() or use LASHUP_ASSIGN_OR_RETURN.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "Result<Status> is not meaningful");

 public:
  // An error; constructing from an OK status is a bug and becomes kInternal.
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(state_).ok()) {
      state_ = Status(StatusCode::kInternal, "Result constructed from an OK Status");
    }
  }
  Result(const T& value) : state_(value) {}        // NOLINT: implicit by design
  Result(T&& value) : state_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }

  const Status& status() const {
    static const Status kOkStatus;  // immutable constant, not shared state
    return ok() ? kOkStatus : std::get<Status>(state_);
  }

  T& value() & {
    if (!ok()) internal::DieBadResultAccess(std::get<Status>(state_));
    return std::get<T>(state_);
  }
  const T& value() const& {
    if (!ok()) internal::DieBadResultAccess(std::get<Status>(state_));
    return std::get<T>(state_);
  }
  T&& value() && {
    if (!ok()) internal::DieBadResultAccess(std::get<Status>(state_));
    return std::get<T>(std::move(state_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<T>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<Status, T> state_;
};

}  // namespace lashup

#define LASHUP_STATUS_CONCAT_INNER_(a, b) a##b
#define LASHUP_STATUS_CONCAT_(a, b) LASHUP_STATUS_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) is not OK.
#define LASHUP_RETURN_IF_ERROR(expr)                                           \
  do {                                                                         \
    ::lashup::Status lashup_status_tmp_ = (expr);                              \
    if (!lashup_status_tmp_.ok()) return lashup_status_tmp_;                   \
  } while (false)

// `LASHUP_ASSIGN_OR_RETURN(auto x, F());` declares/assigns x from a Result, or returns its error.
#define LASHUP_ASSIGN_OR_RETURN(lhs, expr) \
  LASHUP_ASSIGN_OR_RETURN_IMPL_(LASHUP_STATUS_CONCAT_(lashup_result_, __LINE__), lhs, expr)
#define LASHUP_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                  \
  if (!result.ok()) return result.status();              \
  lhs = std::move(result).value()

#endif  // LASHUP_STATUS_H_
