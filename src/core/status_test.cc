#include "lashup/status.h"

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace lashup {
namespace {

TEST(StatusCodeNameTest, NamesEveryCanonicalCode) {
  const std::vector<std::pair<StatusCode, std::string_view>> expected = {
      {StatusCode::kOk, "OK"},
      {StatusCode::kCancelled, "CANCELLED"},
      {StatusCode::kUnknown, "UNKNOWN"},
      {StatusCode::kInvalidArgument, "INVALID_ARGUMENT"},
      {StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
      {StatusCode::kNotFound, "NOT_FOUND"},
      {StatusCode::kAlreadyExists, "ALREADY_EXISTS"},
      {StatusCode::kPermissionDenied, "PERMISSION_DENIED"},
      {StatusCode::kResourceExhausted, "RESOURCE_EXHAUSTED"},
      {StatusCode::kFailedPrecondition, "FAILED_PRECONDITION"},
      {StatusCode::kAborted, "ABORTED"},
      {StatusCode::kOutOfRange, "OUT_OF_RANGE"},
      {StatusCode::kUnimplemented, "UNIMPLEMENTED"},
      {StatusCode::kInternal, "INTERNAL"},
      {StatusCode::kUnavailable, "UNAVAILABLE"},
      {StatusCode::kDataLoss, "DATA_LOSS"},
      {StatusCode::kUnauthenticated, "UNAUTHENTICATED"},
  };
  for (const auto& [code, name] : expected) {
    EXPECT_EQ(StatusCodeName(code), name) << static_cast<int>(code);
  }
}

TEST(StatusCodeNameTest, CodesKeepTheirCanonicalNumbers) {
  // The numbers match Abseil and gRPC; they may cross process boundaries, so pin them.
  EXPECT_EQ(static_cast<int>(StatusCode::kOk), 0);
  EXPECT_EQ(static_cast<int>(StatusCode::kInvalidArgument), 3);
  EXPECT_EQ(static_cast<int>(StatusCode::kNotFound), 5);
  EXPECT_EQ(static_cast<int>(StatusCode::kAborted), 10);
  EXPECT_EQ(static_cast<int>(StatusCode::kInternal), 13);
  EXPECT_EQ(static_cast<int>(StatusCode::kUnavailable), 14);
  EXPECT_EQ(static_cast<int>(StatusCode::kUnauthenticated), 16);
}

TEST(StatusCodeNameTest, UnknownValueHasFallbackName) {
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(17)), "UNKNOWN_CODE");
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(-1)), "UNKNOWN_CODE");
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(1000)), "UNKNOWN_CODE");
}

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status, Status::Ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(StatusTest, OkCodeDropsMessage) {
  Status status(StatusCode::kOk, "ignored");
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status, Status::Ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(StatusTest, ErrorKeepsCodeAndMessage) {
  Status status(StatusCode::kNotFound, "no such key");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no such key");
}

TEST(StatusTest, HelperConstructorsSetTheirCode) {
  using Factory = Status (*)(std::string);
  const std::vector<std::pair<Factory, StatusCode>> factories = {
      {CancelledError, StatusCode::kCancelled},
      {UnknownError, StatusCode::kUnknown},
      {InvalidArgumentError, StatusCode::kInvalidArgument},
      {DeadlineExceededError, StatusCode::kDeadlineExceeded},
      {NotFoundError, StatusCode::kNotFound},
      {AlreadyExistsError, StatusCode::kAlreadyExists},
      {PermissionDeniedError, StatusCode::kPermissionDenied},
      {ResourceExhaustedError, StatusCode::kResourceExhausted},
      {FailedPreconditionError, StatusCode::kFailedPrecondition},
      {AbortedError, StatusCode::kAborted},
      {OutOfRangeError, StatusCode::kOutOfRange},
      {UnimplementedError, StatusCode::kUnimplemented},
      {InternalError, StatusCode::kInternal},
      {UnavailableError, StatusCode::kUnavailable},
      {DataLossError, StatusCode::kDataLoss},
      {UnauthenticatedError, StatusCode::kUnauthenticated},
  };
  for (const auto& [factory, code] : factories) {
    Status status = factory("msg");
    EXPECT_FALSE(status.ok()) << StatusCodeName(code);
    EXPECT_EQ(status.code(), code) << StatusCodeName(code);
    EXPECT_EQ(status.message(), "msg") << StatusCodeName(code);
  }
}

TEST(StatusTest, ToStringJoinsNameAndMessage) {
  EXPECT_EQ(InvalidArgumentError("frame length 9999999 exceeds limit 1048576").ToString(),
            "INVALID_ARGUMENT: frame length 9999999 exceeds limit 1048576");
  EXPECT_EQ(UnavailableError("peer down").ToString(), "UNAVAILABLE: peer down");
}

TEST(StatusTest, ToStringOfErrorWithoutMessageIsJustTheName) {
  EXPECT_EQ(AbortedError("").ToString(), "ABORTED");
  EXPECT_EQ(Status(StatusCode::kDataLoss, "").ToString(), "DATA_LOSS");
}

TEST(StatusTest, StreamOperatorPrintsToString) {
  std::ostringstream os;
  os << NotFoundError("key k") << " / " << Status::Ok();
  EXPECT_EQ(os.str(), "NOT_FOUND: key k / OK");
}

TEST(StatusTest, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(NotFoundError("a"), NotFoundError("a"));
  EXPECT_NE(NotFoundError("a"), NotFoundError("b"));
  EXPECT_NE(NotFoundError("a"), AbortedError("a"));
  EXPECT_NE(NotFoundError(""), Status::Ok());
}

TEST(StatusTest, WithContextPrefixesMessage) {
  Status original = DataLossError("bad checksum");
  Status wrapped = original.WithContext("reading segment 7");
  EXPECT_EQ(wrapped.code(), StatusCode::kDataLoss);
  EXPECT_EQ(wrapped.message(), "reading segment 7: bad checksum");
  EXPECT_EQ(wrapped.ToString(), "DATA_LOSS: reading segment 7: bad checksum");
  // The original is untouched: WithContext returns a copy.
  EXPECT_EQ(original.message(), "bad checksum");
}

TEST(StatusTest, WithContextNests) {
  Status status = UnavailableError("refused").WithContext("dial").WithContext("join");
  EXPECT_EQ(status.message(), "join: dial: refused");
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
}

TEST(StatusTest, WithContextOnOkStaysOk) {
  Status status = Status::Ok().WithContext("anything");
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status, Status::Ok());
}

TEST(ResultTest, HoldsValue) {
  Result<int> result(42);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.status().ok());
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(*result, 42);
}

TEST(ResultTest, HoldsError) {
  Result<int> result(NotFoundError("missing"));
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().message(), "missing");
}

TEST(ResultTest, ConstructedFromOkStatusBecomesInternal) {
  Result<int> result(Status::Ok());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(result.status().message().empty());
}

TEST(ResultTest, ValueCanBeModifiedInPlace) {
  Result<std::string> result(std::string("ab"));
  result.value() += "c";
  *result += "d";
  result->append("e");
  EXPECT_EQ(result.value(), "abcde");
  EXPECT_EQ(result->size(), 5u);
}

TEST(ResultTest, ConstAccess) {
  const Result<std::string> result(std::string("xyz"));
  EXPECT_EQ(result.value(), "xyz");
  EXPECT_EQ(*result, "xyz");
  EXPECT_EQ(result->size(), 3u);
}

TEST(ResultTest, RvalueValueMovesOut) {
  Result<std::unique_ptr<int>> result(std::make_unique<int>(7));
  std::unique_ptr<int> owned = std::move(result).value();
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 7);
}

TEST(ResultTest, ValueOrReturnsValueOrFallback) {
  Result<int> good(5);
  Result<int> bad(AbortedError("lost race"));
  EXPECT_EQ(good.value_or(-1), 5);
  EXPECT_EQ(bad.value_or(-1), -1);

  Result<std::string> text(std::string("hello"));
  Result<std::string> no_text(NotFoundError("gone"));
  EXPECT_EQ(text.value_or("fallback"), "hello");
  EXPECT_EQ(no_text.value_or("fallback"), "fallback");
}

TEST(ResultDeathTest, ValueOnErrorAbortsWithMessage) {
  Result<int> result(NotFoundError("key 17 missing"));
  EXPECT_DEATH((void)result.value(),
               "Result::value\\(\\) called on an error: NOT_FOUND: key 17 missing");
}

TEST(ResultDeathTest, DereferenceOnErrorAborts) {
  const Result<std::string> result(UnavailableError("peer down"));
  EXPECT_DEATH((void)*result, "UNAVAILABLE: peer down");
}

// Helpers for the macro tests: each records how far it got so the tests can check that an error
// really returned early.
Status Step(bool fail, int& reached) {
  ++reached;
  if (fail) return FailedPreconditionError("step failed");
  return Status::Ok();
}

Status TwoSteps(bool fail_first, bool fail_second, int& reached) {
  LASHUP_RETURN_IF_ERROR(Step(fail_first, reached));
  LASHUP_RETURN_IF_ERROR(Step(fail_second, reached));
  reached += 100;
  return Status::Ok();
}

TEST(StatusMacroTest, ReturnIfErrorPassesOkThrough) {
  int reached = 0;
  EXPECT_TRUE(TwoSteps(false, false, reached).ok());
  EXPECT_EQ(reached, 102);
}

TEST(StatusMacroTest, ReturnIfErrorReturnsFirstError) {
  int reached = 0;
  Status status = TwoSteps(true, false, reached);
  EXPECT_EQ(status, FailedPreconditionError("step failed"));
  EXPECT_EQ(reached, 1);

  reached = 0;
  status = TwoSteps(false, true, reached);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reached, 2);
}

Result<int> ParseDigit(char c) {
  if (c < '0' || c > '9') return InvalidArgumentError(std::string("not a digit: ") + c);
  return c - '0';
}

// Two ASSIGN_OR_RETURNs in one function also checks that the macro's temporaries do not clash.
Result<int> SumDigits(char a, char b, int& reached) {
  LASHUP_ASSIGN_OR_RETURN(int x, ParseDigit(a));
  ++reached;
  LASHUP_ASSIGN_OR_RETURN(int y, ParseDigit(b));
  ++reached;
  return x + y;
}

TEST(StatusMacroTest, AssignOrReturnAssignsValues) {
  int reached = 0;
  Result<int> sum = SumDigits('3', '4', reached);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, 7);
  EXPECT_EQ(reached, 2);
}

TEST(StatusMacroTest, AssignOrReturnPropagatesError) {
  int reached = 0;
  Result<int> sum = SumDigits('x', '4', reached);
  EXPECT_EQ(sum.status(), InvalidArgumentError("not a digit: x"));
  EXPECT_EQ(reached, 0);

  reached = 0;
  sum = SumDigits('1', '?', reached);
  EXPECT_EQ(sum.status(), InvalidArgumentError("not a digit: ?"));
  EXPECT_EQ(reached, 1);
}

Status AssignIntoExisting(char c, int& out) {
  LASHUP_ASSIGN_OR_RETURN(out, ParseDigit(c));
  return Status::Ok();
}

TEST(StatusMacroTest, AssignOrReturnIntoExistingVariable) {
  int out = -1;
  EXPECT_TRUE(AssignIntoExisting('9', out).ok());
  EXPECT_EQ(out, 9);
  Status status = AssignIntoExisting('z', out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out, 9);  // untouched on error
}

Result<std::unique_ptr<int>> MakeBox(int v) {
  if (v < 0) return OutOfRangeError("negative");
  return std::make_unique<int>(v);
}

Result<int> Unbox(int v) {
  LASHUP_ASSIGN_OR_RETURN(std::unique_ptr<int> box, MakeBox(v));
  return *box * 2;
}

TEST(StatusMacroTest, AssignOrReturnMovesMoveOnlyValues) {
  Result<int> ok = Unbox(21);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  Result<int> bad = Unbox(-1);
  EXPECT_EQ(bad.status().code(), StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace lashup
