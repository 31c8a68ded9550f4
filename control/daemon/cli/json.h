// A small streaming JSON writer for the display documents: objects, arrays, strings with
// RFC 8259 escaping, integers and booleans. Commas are placed by the writer, so renderers
// read as a list of fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::cli {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int64_t n);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<uint64_t>(n)); }
  JsonWriter& null();

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  JsonWriter& string_array(std::string_view k, const std::vector<std::string>& items);

  const std::string& str() const { return out_; }
  size_t size() const { return out_.size(); }
  // Moves the bytes written so far to the end of `out`; the document's nesting goes on (a
  // display written a chunk at a time).
  void take(std::string& out) {
    out += out_;
    out_.clear();
  }

 private:
  void separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

std::string json_escape(std::string_view s);
// Appends `s` quoted and escaped to `out` (no temporary string).
void append_json_string(std::string& out, std::string_view s);

}  // namespace tandem::cli
