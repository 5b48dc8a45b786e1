// The readable op syntax of `lashupctl op KEY OPS...`: tokens to a crdt::MapOp list.
//
// Contract: `ParseOps` takes the tokens after KEY and returns one MapOp per op, in order, for
// Map::Apply to apply atomically, left to right. Grammar (SEP is an unquoted ',' or ';' token,
// see command_line.h; every other token is a word, quoted or not):
//   ops    := op { SEP op }
//   op     := { "in" MAPFIELD } action        at most kMaxNesting - 1 "in" per op
//   action := "add" FIELD ELEM { ELEM }       orset add (add-all when several)
//           | "remove" FIELD ELEM { ELEM }    orset remove (remove-all when several)
//           | "incr" FIELD [ N ]              counter + N, N a decimal int64 > 0, default 1
//           | "decr" FIELD [ N ]              counter - N
//           | "enable" FLAG | "disable" FLAG
//           | "assign" FIELD VALUE            LWW register, timestamped by the writer's clock
//           | "drop" FIELD TYPE               remove the field; TYPE is a crdt::CrdtTypeName
// "in m OP" becomes ops::Update("m", {OP}); consecutive ops under one map are not merged, which
// applies the same. Verbs are lowercase. Parsing checks only the syntax: whether a remove finds
// its element is Map::Apply's business. Errors are kInvalidArgument, "op N (TEXT): problem",
// N counting from 0 as in Map::Apply's errors and TEXT the op as typed (shortened); messages
// are valid UTF-8. Stateless; safe from any thread.
#ifndef LASHUP_ADMIN_OP_SYNTAX_H_
#define LASHUP_ADMIN_OP_SYNTAX_H_

#include <string>
#include <vector>

#include "admin/command_line.h"
#include "lashup/crdt/ops.h"
#include "lashup/status.h"

namespace lashup::admin {

Result<std::vector<crdt::MapOp>> ParseOps(const std::vector<Token>& tokens);

// Usage text for the shell's `help op`: several lines, each ending in '\n'.
std::string OpSyntaxHelp();

}  // namespace lashup::admin

#endif  // LASHUP_ADMIN_OP_SYNTAX_H_
