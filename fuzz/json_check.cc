#include "fuzz/json_check.h"

#include <cstddef>

namespace tandem::fuzz {

namespace {

class JsonChecker {
 public:
  JsonChecker(std::string_view s, int max_depth) : s_(s), max_depth_(max_depth) {}

  bool object_document() {
    ws();
    if (peek() != '{' || !value(0)) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool string() {
    if (!eat('"')) return false;
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        const char e = s_[i_++];
        if (e == 'u') {
          for (int k = 0; k < 4; ++k) {
            if (!is_hex(peek())) return false;
            ++i_;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
      }
    }
    return false;
  }

  bool number() {
    eat('-');
    if (eat('0')) {
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++i_;
    } else {
      return false;
    }
    if (eat('.')) {
      if (!is_digit(peek())) return false;
      while (is_digit(peek())) ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (!eat('+')) eat('-');
      if (!is_digit(peek())) return false;
      while (is_digit(peek())) ++i_;
    }
    return true;
  }

  bool value(int depth) {
    if (depth > max_depth_) return false;
    ws();
    switch (peek()) {
      case '{': {
        ++i_;
        ws();
        if (eat('}')) return true;
        for (;;) {
          ws();
          if (!string()) return false;
          ws();
          if (!eat(':') || !value(depth + 1)) return false;
          ws();
          if (eat('}')) return true;
          if (!eat(',')) return false;
        }
      }
      case '[': {
        ++i_;
        ws();
        if (eat(']')) return true;
        for (;;) {
          if (!value(depth + 1)) return false;
          ws();
          if (eat(']')) return true;
          if (!eat(',')) return false;
        }
      }
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  std::string_view s_;
  int max_depth_;
  size_t i_ = 0;
};

}  // namespace

bool is_json_object(std::string_view text, int max_depth) {
  return JsonChecker(text, max_depth).object_document();
}

}  // namespace tandem::fuzz
