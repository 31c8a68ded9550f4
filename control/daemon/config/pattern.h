// Command patterns: the small grammar every config keyword and every tandemctl command is
// written in, so the command table reads like the vendor's syntax line.
//
//   keyword                 literal, matched case-insensitively
//   <name:int:LO-HI>        decimal integer in [LO, HI]
//   <name:str:LO-HI>        a name of LO..HI characters
//   <name:ipv6>             IPv6 address            <name:prefix6>  IPv6 address/LEN
//   <name:ipaddr>           IPv4 or IPv6 literal    <name:word>     any token
//   <name:ifname>           interface name; `GigabitEthernet 0/1/0` (type + number) is
//                           joined into one name as the vendor syntax allows
//   <name:rest>             every remaining token (at least one), joined by spaces: the
//                           arguments of a command that is refused whatever they are
//   [ ... ]                 optional sequence
//   { a ... | b ... }       exactly one of the alternatives
//
// Matching is greedy left to right (optional parts start with distinct keywords). When a line
// matches no pattern, the failure that got furthest into the line is reported, at the column
// of the token where it stopped.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "control/daemon/config/lexer.h"
#include "control/wire/address.h"

namespace tandem::config {

struct PatternElem;
using PatternSeq = std::vector<PatternElem>;

enum class ParamType { integer, name, ipv6, prefix6, ipaddr, word, ifname, rest };

struct PatternElem {
  enum class Kind { keyword, param, optional, choice } kind = Kind::keyword;
  std::string text;  // keyword text or parameter name
  ParamType type = ParamType::word;
  int64_t lo = 0, hi = 0;
  std::vector<PatternSeq> alts;  // optional: one; choice: several
};

// Parses the pattern text; throws std::invalid_argument on a malformed pattern (a bug in a
// table, caught by the table's own test).
PatternSeq compile_pattern(const std::string& text);

struct Value {
  int64_t integer = 0;
  std::string text;  // the token(s) as written (joined for ifname)
  wire::Ipv6Address ipv6;
  uint8_t prefix_length = 0;
  int col = 0;
};

struct Match {
  std::map<std::string, Value> values;
  std::vector<std::string> keywords;  // every literal matched, lower case

  bool has_keyword(const std::string& kw) const;
  const Value* get(const std::string& name) const;
  int64_t integer(const std::string& name, int64_t fallback = 0) const;
  std::string text(const std::string& name) const;
  int col(const std::string& name) const;
};

// Why a line did not match; `rank` orders failures by how far they got.
struct MatchFailure {
  int rank = -1;
  size_t token = 0;
  bool semantic = false;  // a value of the right shape out of range: message says why
  std::string message;
  std::vector<std::string> expected;
};

// True when `seq` consumes all of `tokens`. On failure `failure` is updated if this attempt
// got further than the one already recorded.
bool match_pattern(const PatternSeq& seq, const std::vector<Token>& tokens, Match& out,
                   MatchFailure& failure);

// The message for a failure ("unexpected 'x' (expected ...)" / "incomplete command ...").
std::string describe_failure(const MatchFailure& f, const std::vector<Token>& tokens);

// Leading literal keywords of a pattern, for help text and command lookup.
std::string pattern_head(const PatternSeq& seq);

}  // namespace tandem::config
