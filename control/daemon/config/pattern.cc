#include "control/daemon/config/pattern.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace tandem::config {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split_pattern(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  bool in_param = false;
  for (char c : text) {
    if (c == '<') in_param = true;
    if (c == '>') in_param = false;
    if (!in_param && (c == '[' || c == ']' || c == '{' || c == '}' || c == '|')) {
      flush();
      out.emplace_back(1, c);
    } else if (!in_param && c == ' ') {
      flush();
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

PatternElem parse_param(const std::string& tok) {
  // <name:type[:LO-HI]>
  std::string body = tok.substr(1, tok.size() - 2);
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t p = body.find(':', start);
    parts.push_back(body.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  if (parts.size() < 2) throw std::invalid_argument("pattern parameter without type: " + tok);
  PatternElem e;
  e.kind = PatternElem::Kind::param;
  e.text = parts[0];
  const std::string& t = parts[1];
  if (t == "int")
    e.type = ParamType::integer;
  else if (t == "str")
    e.type = ParamType::name;
  else if (t == "ipv6")
    e.type = ParamType::ipv6;
  else if (t == "prefix6")
    e.type = ParamType::prefix6;
  else if (t == "ipaddr")
    e.type = ParamType::ipaddr;
  else if (t == "word")
    e.type = ParamType::word;
  else if (t == "ifname")
    e.type = ParamType::ifname;
  else if (t == "rest")
    e.type = ParamType::rest;
  else
    throw std::invalid_argument("unknown pattern parameter type: " + tok);
  if (e.type == ParamType::integer || e.type == ParamType::name) {
    if (parts.size() != 3) throw std::invalid_argument("pattern parameter needs a range: " + tok);
    size_t dash = parts[2].find('-');
    if (dash == std::string::npos) throw std::invalid_argument("bad range: " + tok);
    e.lo = std::stoll(parts[2].substr(0, dash));
    e.hi = std::stoll(parts[2].substr(dash + 1));
  }
  return e;
}

PatternSeq parse_seq(const std::vector<std::string>& toks, size_t& i, bool in_choice,
                     bool in_optional);

PatternSeq parse_seq(const std::vector<std::string>& toks, size_t& i, bool in_choice,
                     bool in_optional) {
  PatternSeq seq;
  while (i < toks.size()) {
    const std::string& t = toks[i];
    if (t == "]") {
      if (!in_optional) throw std::invalid_argument("unbalanced ]");
      return seq;
    }
    if (t == "}" || t == "|") {
      if (!in_choice) throw std::invalid_argument("unbalanced " + t);
      return seq;
    }
    ++i;
    if (t == "[") {
      PatternElem e;
      e.kind = PatternElem::Kind::optional;
      e.alts.push_back(parse_seq(toks, i, false, true));
      if (i >= toks.size() || toks[i] != "]") throw std::invalid_argument("missing ]");
      ++i;
      seq.push_back(std::move(e));
    } else if (t == "{") {
      PatternElem e;
      e.kind = PatternElem::Kind::choice;
      for (;;) {
        e.alts.push_back(parse_seq(toks, i, true, false));
        if (i >= toks.size()) throw std::invalid_argument("missing }");
        if (toks[i++] == "}") break;
      }
      seq.push_back(std::move(e));
    } else if (t.front() == '<') {
      seq.push_back(parse_param(t));
    } else {
      PatternElem e;
      e.kind = PatternElem::Kind::keyword;
      e.text = lower(t);
      seq.push_back(std::move(e));
    }
  }
  if (in_choice || in_optional) throw std::invalid_argument("unterminated group");
  return seq;
}

std::string describe_param(const PatternElem& e) {
  switch (e.type) {
    case ParamType::integer:
      return "<" + e.text + " " + std::to_string(e.lo) + "-" + std::to_string(e.hi) + ">";
    case ParamType::name:
      return "<" + e.text + ", " + std::to_string(e.lo) + "-" + std::to_string(e.hi) +
             " characters>";
    case ParamType::ipv6: return "<" + e.text + ": IPv6 address>";
    case ParamType::prefix6: return "<" + e.text + ": IPv6 address/length>";
    case ParamType::ipaddr: return "<" + e.text + ": IP address>";
    case ParamType::ifname: return "<" + e.text + ": interface name>";
    case ParamType::word: return "<" + e.text + ">";
    case ParamType::rest: return "<" + e.text + "...>";
  }
  return "<" + e.text + ">";
}

void record(MatchFailure& f, size_t token, bool semantic, std::string message,
            std::string expected) {
  int rank = static_cast<int>(token) * 2 + (semantic ? 1 : 0);
  if (rank < f.rank) return;
  if (rank > f.rank) {
    f.rank = rank;
    f.token = token;
    f.semantic = semantic;
    f.message = std::move(message);
    f.expected.clear();
  }
  if (!expected.empty() &&
      std::find(f.expected.begin(), f.expected.end(), expected) == f.expected.end())
    f.expected.push_back(std::move(expected));
}

bool looks_like_if_number(const std::string& s) {
  return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == ':';
         });
}
bool all_alpha(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '-';
  });
}

// Parses one parameter at tokens[ti]; advances ti. Records failures.
bool match_param(const PatternElem& e, const std::vector<Token>& toks, size_t& ti, Match& m,
                 MatchFailure& f) {
  if (ti >= toks.size()) {
    record(f, ti, false, "", describe_param(e));
    return false;
  }
  const Token& tok = toks[ti];
  Value v;
  v.text = tok.text;
  v.col = tok.col;
  auto bad = [&](const std::string& why) {
    record(f, ti, true, why, "");
    return false;
  };
  switch (e.type) {
    case ParamType::integer: {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(tok.text.data(), tok.text.data() + tok.text.size(), n);
      if (ec == std::errc::result_out_of_range)
        return bad(e.text + " '" + tok.text + "' out of range " + std::to_string(e.lo) + "-" +
                   std::to_string(e.hi));
      if (ec != std::errc() || p != tok.text.data() + tok.text.size() || tok.text[0] == '+') {
        // A keyword may be expected here in another alternative: a shape mismatch is a plain
        // "unexpected" failure, not a semantic one.
        record(f, ti, false, "", describe_param(e));
        return false;
      }
      if (n < e.lo || n > e.hi)
        return bad(e.text + " " + tok.text + " out of range " + std::to_string(e.lo) + "-" +
                   std::to_string(e.hi));
      v.integer = n;
      break;
    }
    case ParamType::name: {
      int64_t len = static_cast<int64_t>(tok.text.size());
      if (len < e.lo || len > e.hi)
        return bad(e.text + " '" + tok.text + "' must be " + std::to_string(e.lo) + "-" +
                   std::to_string(e.hi) + " characters long (it has " + std::to_string(len) + ")");
      break;
    }
    case ParamType::ipv6: {
      auto a = wire::Ipv6Address::parse(tok.text);
      if (!a) {
        if (tok.text.find(':') == std::string::npos) {
          record(f, ti, false, "", describe_param(e));
          return false;
        }
        return bad("'" + tok.text + "' is not a valid IPv6 address");
      }
      v.ipv6 = *a;
      break;
    }
    case ParamType::prefix6: {
      size_t slash = tok.text.find('/');
      if (slash == std::string::npos) {
        if (tok.text.find(':') == std::string::npos) {
          record(f, ti, false, "", describe_param(e));
          return false;
        }
        return bad("'" + tok.text + "' needs a prefix length (X/LEN)");
      }
      auto a = wire::Ipv6Address::parse(tok.text.substr(0, slash));
      if (!a) return bad("'" + tok.text.substr(0, slash) + "' is not a valid IPv6 address");
      std::string lens = tok.text.substr(slash + 1);
      int len = -1;
      auto [p, ec] = std::from_chars(lens.data(), lens.data() + lens.size(), len);
      if (lens.empty() || ec != std::errc() || p != lens.data() + lens.size() || len < 1 ||
          len > 128)
        return bad("prefix length '" + lens + "' out of range 1-128");
      v.ipv6 = *a;
      v.prefix_length = static_cast<uint8_t>(len);
      break;
    }
    case ParamType::ipaddr: {
      in6_addr a6;
      in_addr a4;
      if (inet_pton(AF_INET6, tok.text.c_str(), &a6) != 1 &&
          inet_pton(AF_INET, tok.text.c_str(), &a4) != 1)
        return bad("'" + tok.text + "' is not a valid IPv4 or IPv6 address");
      break;
    }
    case ParamType::word:
      if (tok.text.size() > 255) return bad(e.text + " longer than 255 characters");
      break;
    case ParamType::ifname: {
      // "GigabitEthernet 0/1/0": a type word followed by a number joins into one name.
      if (all_alpha(tok.text) && ti + 1 < toks.size() && looks_like_if_number(toks[ti + 1].text)) {
        v.text = tok.text + toks[ti + 1].text;
        ++ti;
      }
      if (v.text.size() > 63)
        return bad("interface name '" + v.text + "' longer than 63 characters");
      break;
    }
    case ParamType::rest:
      while (ti + 1 < toks.size()) v.text += " " + toks[++ti].text;
      break;
  }
  m.values[e.text] = std::move(v);
  ++ti;
  return true;
}

bool match_seq(const PatternSeq& seq, const std::vector<Token>& toks, size_t& ti, Match& m,
               MatchFailure& f) {
  for (const PatternElem& e : seq) {
    switch (e.kind) {
      case PatternElem::Kind::keyword:
        if (ti < toks.size() && lower(toks[ti].text) == e.text) {
          m.keywords.push_back(e.text);
          ++ti;
        } else {
          record(f, ti, false, "", "'" + e.text + "'");
          return false;
        }
        break;
      case PatternElem::Kind::param:
        if (!match_param(e, toks, ti, m, f)) return false;
        break;
      case PatternElem::Kind::optional: {
        size_t save_ti = ti;
        Match save_m = m;
        if (!match_seq(e.alts[0], toks, ti, m, f)) {
          ti = save_ti;
          m = std::move(save_m);
        }
        break;
      }
      case PatternElem::Kind::choice: {
        bool ok = false;
        for (const PatternSeq& alt : e.alts) {
          size_t save_ti = ti;
          Match save_m = m;
          if (match_seq(alt, toks, ti, m, f)) {
            ok = true;
            break;
          }
          ti = save_ti;
          m = std::move(save_m);
        }
        if (!ok) return false;
        break;
      }
    }
  }
  return true;
}

}  // namespace

PatternSeq compile_pattern(const std::string& text) {
  auto toks = split_pattern(text);
  size_t i = 0;
  PatternSeq seq = parse_seq(toks, i, false, false);
  if (i != toks.size()) throw std::invalid_argument("trailing pattern text: " + text);
  if (seq.empty()) throw std::invalid_argument("empty pattern");
  return seq;
}

bool match_pattern(const PatternSeq& seq, const std::vector<Token>& tokens, Match& out,
                   MatchFailure& failure) {
  size_t ti = 0;
  Match m;
  if (!match_seq(seq, tokens, ti, m, failure)) return false;
  if (ti != tokens.size()) {
    record(failure, ti, false, "", "end of line");
    return false;
  }
  out = std::move(m);
  return true;
}

std::string describe_failure(const MatchFailure& f, const std::vector<Token>& tokens) {
  if (f.semantic) return f.message;
  std::string expected;
  for (size_t i = 0; i < f.expected.size(); ++i) {
    if (i) expected += i + 1 == f.expected.size() ? " or " : ", ";
    expected += f.expected[i];
  }
  if (f.token >= tokens.size())
    return "incomplete command" + (expected.empty() ? "" : ": expected " + expected);
  std::string msg = "unexpected '" + tokens[f.token].text + "'";
  if (!expected.empty()) msg += " (expected " + expected + ")";
  return msg;
}

std::string pattern_head(const PatternSeq& seq) {
  std::string out;
  for (const auto& e : seq) {
    if (e.kind != PatternElem::Kind::keyword) break;
    if (!out.empty()) out += ' ';
    out += e.text;
  }
  return out;
}

bool Match::has_keyword(const std::string& kw) const {
  return std::find(keywords.begin(), keywords.end(), kw) != keywords.end();
}
const Value* Match::get(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}
int64_t Match::integer(const std::string& name, int64_t fallback) const {
  const Value* v = get(name);
  return v ? v->integer : fallback;
}
std::string Match::text(const std::string& name) const {
  const Value* v = get(name);
  return v ? v->text : std::string();
}
int Match::col(const std::string& name) const {
  const Value* v = get(name);
  return v ? v->col : 0;
}

}  // namespace tandem::config
