#include "admin/command_line.h"

#include "admin/utf8.h"

namespace lashup::admin {
namespace {

constexpr size_t kShownInMessages = 64;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte written as two hex digits at text[pos], or -1.
int HexByteAt(std::string_view text, size_t pos) {
  if (text.size() - pos < 2) return -1;
  const int high = HexValue(text[pos]);
  const int low = HexValue(text[pos + 1]);
  if (high < 0 || low < 0) return -1;
  return high * 16 + low;
}

std::string Column(size_t pos) { return "column " + std::to_string(pos + 1); }

// Splits one line; positions are byte offsets into it, reported 1-based.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view line) : line_(line) {}

  Result<std::vector<Token>> Run() {
    while (pos_ < line_.size()) {
      const char c = line_[pos_];
      if (IsSpace(c)) {
        Flush();
        ++pos_;
      } else if (c == ',' || c == ';') {
        Flush();
        tokens_.push_back(Token{std::string(1, c), false});
        ++pos_;
      } else if (c == '\'') {
        LASHUP_RETURN_IF_ERROR(ReadSingleQuoted());
      } else if (c == '"') {
        LASHUP_RETURN_IF_ERROR(ReadDoubleQuoted());
      } else if (c == '\\') {
        LASHUP_RETURN_IF_ERROR(ReadBareEscape());
      } else {
        Append(c, false);
        ++pos_;
      }
    }
    Flush();
    return std::move(tokens_);
  }

 private:
  void Append(char c, bool quoted) {
    current_.text.push_back(c);
    current_.quoted = current_.quoted || quoted;
    in_token_ = true;
  }

  void Flush() {
    if (!in_token_) return;
    tokens_.push_back(std::move(current_));
    current_ = Token{"", false};
    in_token_ = false;
  }

  Status ReadSingleQuoted() {
    const size_t open = pos_++;
    const size_t close = line_.find('\'', pos_);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("unterminated single quote starting at " + Column(open));
    }
    current_.text.append(line_.substr(pos_, close - pos_));
    current_.quoted = true;
    in_token_ = true;
    pos_ = close + 1;
    return Status::Ok();
  }

  Status ReadDoubleQuoted() {
    const size_t open = pos_++;
    current_.quoted = true;
    in_token_ = true;
    // A backslash just before the end escapes nothing: the closing quote is what is missing.
    while (pos_ < line_.size() && line_[pos_] != '"') {
      if (line_[pos_] == '\\' && pos_ + 1 < line_.size()) {
        LASHUP_RETURN_IF_ERROR(ReadDoubleEscape());
      } else if (line_[pos_] == '\\') {
        pos_ = line_.size();
      } else {
        current_.text.push_back(line_[pos_++]);
      }
    }
    if (pos_ == line_.size()) {
      return InvalidArgumentError("unterminated double quote starting at " + Column(open));
    }
    ++pos_;  // the closing quote
    return Status::Ok();
  }

  // At a backslash inside double quotes, with a character after it.
  Status ReadDoubleEscape() {
    const size_t at = pos_;
    const char c = line_[at + 1];
    pos_ += 2;
    switch (c) {
      case '\\':
      case '"':
        current_.text.push_back(c);
        return Status::Ok();
      case 'n':
        current_.text.push_back('\n');
        return Status::Ok();
      case 't':
        current_.text.push_back('\t');
        return Status::Ok();
      case 'x':
        return ReadHexEscape(at);
      default:
        return InvalidArgumentError("unknown escape " + QuoteForMessage(line_.substr(at, 2)) +
                                    " at " + Column(at) +
                                    "; inside double quotes use \\\\, \\\", \\n, \\t or \\xNN");
    }
  }

  // pos_ is just after "\x" (which starts at `at`).
  Status ReadHexEscape(size_t at) {
    const int byte = HexByteAt(line_, pos_);
    if (byte < 0) {
      return InvalidArgumentError("bad \\x escape at " + Column(at) + ": expected two hex digits");
    }
    current_.text.push_back(static_cast<char>(byte));
    pos_ += 2;
    return Status::Ok();
  }

  Status ReadBareEscape() {
    if (pos_ + 1 == line_.size()) {
      return InvalidArgumentError("trailing backslash at " + Column(pos_) + " escapes nothing");
    }
    Append(line_[pos_ + 1], true);
    pos_ += 2;
    return Status::Ok();
  }

  std::string_view line_;
  size_t pos_ = 0;
  std::vector<Token> tokens_;
  Token current_{"", false};
  bool in_token_ = false;
};

// A byte QuoteArg may leave bare: Tokenize reads it as itself, and it is printable.
bool IsBareSafe(unsigned char c) {
  if (c < 0x20 || c == 0x7f) return false;
  switch (c) {
    case ' ':
    case '\'':
    case '"':
    case '\\':
    case ',':
    case ';':
      return false;
    default:
      return true;
  }
}

bool CanStayBare(std::string_view text) {
  if (text.empty() || !IsValidUtf8(text)) return false;
  for (unsigned char c : text) {
    if (!IsBareSafe(c)) return false;
  }
  return true;
}

// Appends one byte inside double quotes. Bytes of valid multi-byte UTF-8 arrive here too and
// are >= 0x80, so only ASCII needs escaping.
void AppendQuotedByte(unsigned char c, std::string& out) {
  if (c == '\\' || c == '"') {
    out.push_back('\\');
    out.push_back(static_cast<char>(c));
  } else if (c == '\n') {
    out += "\\n";
  } else if (c == '\t') {
    out += "\\t";
  } else if (c < 0x20 || c == 0x7f) {
    AppendHexEscape(c, out);
  } else {
    out.push_back(static_cast<char>(c));
  }
}

std::string DoubleQuote(std::string_view text) {
  std::string out = "\"";
  for (size_t pos = 0; pos < text.size();) {
    const size_t length = Utf8SequenceLength(text, pos);
    if (length == 0) {
      AppendHexEscape(static_cast<unsigned char>(text[pos++]), out);
      continue;
    }
    if (length == 1) {
      AppendQuotedByte(static_cast<unsigned char>(text[pos]), out);
    } else {
      out.append(text.substr(pos, length));
    }
    pos += length;
  }
  out.push_back('"');
  return out;
}

// Where a key's text has an empty component: the problem named for the user.
Status EmptyComponentError(std::string_view text, size_t slash) {
  std::string where;
  if (slash == 0) {
    where = "starts with '/'";
  } else if (slash + 1 == text.size()) {
    where = "ends with '/'";
  } else {
    where = "has an empty component ('//') at " + Column(slash);
  }
  return InvalidArgumentError("key " + QuoteForMessage(text) + " " + where +
                              "; components are separated by single '/'");
}

// At a backslash in a key's text: decodes \xNN into `component`.
Status DecodeKeyEscape(std::string_view text, size_t& pos, std::string& component) {
  const int byte = (pos + 1 < text.size() && text[pos + 1] == 'x') ? HexByteAt(text, pos + 2) : -1;
  if (byte < 0) {
    return InvalidArgumentError("key " + QuoteForMessage(text) + " has a bad escape at " +
                                Column(pos) + "; keys escape bytes only as \\xNN");
  }
  component.push_back(static_cast<char>(byte));
  pos += 4;
  return Status::Ok();
}

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view line) { return Tokenizer(line).Run(); }

bool IsSeparator(const Token& token) {
  return !token.quoted && (token.text == "," || token.text == ";");
}

Result<kv::KeyPath> ParseKey(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("empty key; write one as a/b/c");
  kv::KeyPath key;
  std::string component;
  for (size_t pos = 0; pos < text.size();) {
    if (text[pos] == '/') {
      if (component.empty()) return EmptyComponentError(text, pos);
      key.push_back(std::move(component));
      component.clear();
      ++pos;
    } else if (text[pos] == '\\') {
      LASHUP_RETURN_IF_ERROR(DecodeKeyEscape(text, pos, component));
    } else {
      component.push_back(text[pos++]);
    }
  }
  if (component.empty()) return EmptyComponentError(text, text.size() - 1);
  key.push_back(std::move(component));
  return key;
}

Result<kv::KeyPath> ParsePrefix(std::string_view text) {
  if (text.empty()) return kv::KeyPath{};
  return ParseKey(text);
}

std::string QuoteArg(std::string_view text) {
  if (CanStayBare(text)) return std::string(text);
  return DoubleQuote(text);
}

std::string QuoteForMessage(std::string_view text) {
  if (text.size() <= kShownInMessages) return DoubleQuote(text);
  return DoubleQuote(text.substr(0, kShownInMessages)) + "...";
}

}  // namespace lashup::admin
