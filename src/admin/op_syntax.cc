#include "admin/op_syntax.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace lashup::admin {
namespace {

using Args = std::span<const Token>;
using crdt::MapOp;

constexpr size_t kShownOpChars = 80;

struct Verb {
  std::string_view name;
  std::string_view usage;
  Result<MapOp> (*parse)(Args args, std::string_view usage);
};

Status Usage(std::string problem, std::string_view usage) {
  return InvalidArgumentError(std::move(problem) + "; usage: " + std::string(usage));
}

// args[0], the field the op works on.
Result<std::string> FieldArg(Args args, std::string_view usage) {
  if (args.empty()) return Usage("missing the field name", usage);
  return args[0].text;
}

Status NoMoreThan(Args args, size_t count, std::string_view usage) {
  if (args.size() <= count) return Status::Ok();
  const size_t extra = args.size() - count;
  std::string problem = "unexpected extra argument " + QuoteForMessage(args[count].text);
  if (extra > 1) problem += " (and " + std::to_string(extra - 1) + " more)";
  return Usage(std::move(problem), usage);
}

std::vector<std::string> Texts(Args args) {
  std::vector<std::string> texts;
  texts.reserve(args.size());
  for (const Token& token : args) texts.push_back(token.text);
  return texts;
}

Result<int64_t> ParseAmount(const std::string& text) {
  const std::string shown = QuoteForMessage(text);
  int64_t amount = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, amount);
  if (ec == std::errc::result_out_of_range) {
    return InvalidArgumentError("amount " + shown + " is out of range; at most " +
                                std::to_string(std::numeric_limits<int64_t>::max()));
  }
  if (ec != std::errc() || ptr != end || text.empty() || text[0] == '+') {
    return InvalidArgumentError("amount " + shown + " is not a decimal integer");
  }
  if (amount < 0) {
    return InvalidArgumentError("amount " + shown +
                                " is negative; give a positive amount to the other of incr/decr");
  }
  if (amount == 0) return InvalidArgumentError("amount " + shown + " must be greater than zero");
  return amount;
}

Result<MapOp> ParseSetOp(Args args, std::string_view usage, bool add) {
  LASHUP_ASSIGN_OR_RETURN(std::string field, FieldArg(args, usage));
  if (args.size() < 2) return Usage("missing the elements", usage);
  std::vector<std::string> elements = Texts(args.subspan(1));
  if (add) return crdt::ops::AddAll(std::move(field), std::move(elements));
  return crdt::ops::RemoveAll(std::move(field), std::move(elements));
}

Result<MapOp> ParseCounterOp(Args args, std::string_view usage, bool increment) {
  LASHUP_ASSIGN_OR_RETURN(std::string field, FieldArg(args, usage));
  LASHUP_RETURN_IF_ERROR(NoMoreThan(args, 2, usage));
  int64_t amount = 1;
  if (args.size() == 2) {
    LASHUP_ASSIGN_OR_RETURN(amount, ParseAmount(args[1].text));
  }
  if (increment) return crdt::ops::Increment(std::move(field), amount);
  return crdt::ops::Decrement(std::move(field), amount);
}

Result<MapOp> ParseFlagOp(Args args, std::string_view usage, bool enable) {
  LASHUP_ASSIGN_OR_RETURN(std::string field, FieldArg(args, usage));
  LASHUP_RETURN_IF_ERROR(NoMoreThan(args, 1, usage));
  if (enable) return crdt::ops::Enable(std::move(field));
  return crdt::ops::Disable(std::move(field));
}

Result<MapOp> ParseAssign(Args args, std::string_view usage) {
  LASHUP_ASSIGN_OR_RETURN(std::string field, FieldArg(args, usage));
  if (args.size() < 2) return Usage("missing the value", usage);
  if (args.size() > 2) {
    Status extra = NoMoreThan(args, 2, usage);
    return InvalidArgumentError(extra.message() + " (quote a value that has spaces)");
  }
  return crdt::ops::Assign(std::move(field), args[1].text, std::nullopt);
}

Result<crdt::CrdtType> ParseType(const std::string& text) {
  std::string names;
  for (uint8_t raw = 1; crdt::IsValidCrdtType(raw); ++raw) {
    const auto type = static_cast<crdt::CrdtType>(raw);
    if (text == crdt::CrdtTypeName(type)) return type;
    names += (raw == 1 ? "" : ", ") + std::string(crdt::CrdtTypeName(type));
  }
  return InvalidArgumentError("unknown field type " + QuoteForMessage(text) + "; expected one of " +
                              names);
}

Result<MapOp> ParseDrop(Args args, std::string_view usage) {
  LASHUP_ASSIGN_OR_RETURN(std::string field, FieldArg(args, usage));
  if (args.size() < 2) return Usage("missing the field type", usage);
  LASHUP_RETURN_IF_ERROR(NoMoreThan(args, 2, usage));
  LASHUP_ASSIGN_OR_RETURN(crdt::CrdtType type, ParseType(args[1].text));
  return crdt::ops::RemoveField(std::move(field), type, std::nullopt);
}

constexpr std::string_view kInUsage = "in MAPFIELD OP";

constexpr Verb kVerbs[] = {
    {"add", "add FIELD ELEM [ELEM...]",
     [](Args a, std::string_view u) { return ParseSetOp(a, u, true); }},
    {"remove", "remove FIELD ELEM [ELEM...]",
     [](Args a, std::string_view u) { return ParseSetOp(a, u, false); }},
    {"incr", "incr FIELD [N]",
     [](Args a, std::string_view u) { return ParseCounterOp(a, u, true); }},
    {"decr", "decr FIELD [N]",
     [](Args a, std::string_view u) { return ParseCounterOp(a, u, false); }},
    {"enable", "enable FLAG", [](Args a, std::string_view u) { return ParseFlagOp(a, u, true); }},
    {"disable", "disable FLAG",
     [](Args a, std::string_view u) { return ParseFlagOp(a, u, false); }},
    {"assign", "assign FIELD VALUE", ParseAssign},
    {"drop", "drop FIELD TYPE", ParseDrop},
};

Status UnknownVerb(const Token& verb) {
  std::string names;
  for (const Verb& v : kVerbs) names += std::string(v.name) + ", ";
  return InvalidArgumentError("unknown verb " + QuoteForMessage(verb.text) + "; expected one of " +
                              names + "in");
}

// One op without its "in" prefix.
Result<MapOp> ParseAction(Args op) {
  for (const Verb& verb : kVerbs) {
    if (op[0].text == verb.name) return verb.parse(op.subspan(1), verb.usage);
  }
  return UnknownVerb(op[0]);
}

// One op: the map fields of its "in" prefix, outermost first, then its action.
Result<MapOp> ParseOp(Args op) {
  std::vector<std::string> path;
  while (op[0].text == "in") {
    if (op.size() < 2) return Usage("missing the map field name", kInUsage);
    if (op.size() < 3) {
      return Usage("missing the op to apply inside map field " + QuoteForMessage(op[1].text),
                   kInUsage);
    }
    if (path.size() + 1 >= static_cast<size_t>(crdt::kMaxNesting)) {
      return InvalidArgumentError("maps nest at most " + std::to_string(crdt::kMaxNesting) +
                                  " deep, so an op takes at most " +
                                  std::to_string(crdt::kMaxNesting - 1) + " \"in\"");
    }
    path.push_back(op[1].text);
    op = op.subspan(2);
  }
  LASHUP_ASSIGN_OR_RETURN(MapOp result, ParseAction(op));
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    result = crdt::ops::Update(std::move(*it), {std::move(result)});
  }
  return result;
}

// The op as typed, shortened, for messages.
std::string OpText(Args op) {
  std::string text;
  for (const Token& token : op) {
    if (!text.empty()) text += ' ';
    const std::string arg = QuoteArg(token.text);
    text += arg.size() <= kShownOpChars ? arg : QuoteForMessage(token.text);
    if (text.size() > kShownOpChars) return text + " ...";
  }
  return text;
}

Status EmptyOpError(size_t index, const Token* before, const Token* after) {
  std::string where = "op " + std::to_string(index) + " is empty: ";
  if (after == nullptr) {
    return InvalidArgumentError("trailing " + QuoteForMessage(before->text) + " after op " +
                                std::to_string(index - 1) + "; remove it or add an op");
  }
  if (before == nullptr) {
    return InvalidArgumentError(where + QuoteForMessage(after->text) + " at the start");
  }
  return InvalidArgumentError(where + QuoteForMessage(before->text) + " followed by " +
                              QuoteForMessage(after->text));
}

}  // namespace

Result<std::vector<MapOp>> ParseOps(const std::vector<Token>& tokens) {
  if (tokens.empty()) return InvalidArgumentError("no ops given; see `help op`");
  std::vector<MapOp> ops;
  const Token* before = nullptr;  // the separator that ended the previous op
  size_t start = 0;
  for (size_t i = 0; i <= tokens.size(); ++i) {
    if (i < tokens.size() && !IsSeparator(tokens[i])) continue;
    const Token* after = i < tokens.size() ? &tokens[i] : nullptr;
    if (i == start) return EmptyOpError(ops.size(), before, after);
    const Args op = Args(tokens).subspan(start, i - start);
    Result<MapOp> parsed = ParseOp(op);
    if (!parsed.ok()) {
      return parsed.status().WithContext("op " + std::to_string(ops.size()) + " (" + OpText(op) +
                                         ")");
    }
    ops.push_back(std::move(parsed).value());
    before = after;
    start = i + 1;
  }
  return ops;
}

std::string OpSyntaxHelp() {
  return "op KEY OP [, OP...]: apply ops to KEY's map, left to right, all or none.\n"
         "Separate ops with ',' or ';'. Ops:\n"
         "  add FIELD ELEM [ELEM...]     add elements to the orset FIELD\n"
         "  remove FIELD ELEM [ELEM...]  remove elements from the orset FIELD\n"
         "  incr FIELD [N]               add N (default 1) to the counter FIELD\n"
         "  decr FIELD [N]               subtract N (default 1) from the counter FIELD\n"
         "  enable FLAG                  turn the flag FLAG on\n"
         "  disable FLAG                 turn the flag FLAG off\n"
         "  assign FIELD VALUE           set the register FIELD to VALUE\n"
         "  drop FIELD TYPE              remove the field FIELD of TYPE\n"
         "                               (orset, counter, flag, register or map)\n"
         "  in MAP OP                    apply OP inside the map field MAP; repeatable\n"
         "A field is a name and a type: counter \"hits\" and orset \"hits\" are two fields.\n"
         "Quote words with spaces, commas or semicolons: add tags 'a b' \"c,d\".\n"
         "Example: op lb/web add vips 10.0.0.1:80 10.0.0.2:80, incr gen, in meta assign owner n1\n";
}

}  // namespace lashup::admin
