#include "reply.h"

#include "terminal_text.h"

namespace lashup::ctl {
namespace {

constexpr size_t kExcerptBytes = 80;

Status Malformed(std::string_view why, std::string_view line) {
  std::string excerpt = TerminalSafe(line.substr(0, kExcerptBytes));
  if (line.size() > kExcerptBytes) excerpt += "...";
  return InternalError("malformed reply from lashupd: " + std::string(why) + ": " + excerpt);
}

Result<Reply> ParseError(const nlohmann::json& object, std::string_view line) {
  auto error = object.find("error");
  if (error == object.end() || !error->is_string()) {
    return Malformed("an error without a message", line);
  }
  Reply reply;
  reply.kind = Reply::Kind::kError;
  reply.error = error->get<std::string>();
  auto code = object.find("code");
  if (code != object.end() && code->is_string()) reply.code = code->get<std::string>();
  return reply;
}

}  // namespace

Result<Reply> ParseReply(std::string_view line) {
  // allow_exceptions = false: a parse failure gives a "discarded" value instead of throwing.
  nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return Malformed("not JSON", line);
  if (!object.is_object()) return Malformed("not a JSON object", line);
  Reply reply;
  if (auto event = object.find("event"); event != object.end()) {
    reply.kind = Reply::Kind::kEvent;
    reply.body = *event;
    return reply;
  }
  auto ok = object.find("ok");
  if (ok == object.end() || !ok->is_boolean()) return Malformed("no \"ok\" member", line);
  if (!ok->get<bool>()) return ParseError(object, line);
  if (auto stream = object.find("stream"); stream != object.end() && *stream == true) {
    reply.kind = Reply::Kind::kStreamStart;
    return reply;
  }
  auto result = object.find("result");
  if (result == object.end()) return Malformed("no \"result\" member", line);
  reply.body = *result;
  return reply;
}

}  // namespace lashup::ctl
