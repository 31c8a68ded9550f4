// The log lines of one RBS channel and of every part of it carry one subsystem prefix,
// "rbs <name>", so an operator reads one service's story in one place.
#pragma once

#include <string>
#include <utility>

#include "control/common/log.h"

namespace tandem::replication {

class ChannelLog {
 public:
  ChannelLog(LogSink sink, const std::string& service_name)
      : sink_(std::move(sink)), subsystem_("rbs " + service_name) {}

  void operator()(LogLevel level, const std::string& line) const { sink_(level, subsystem_, line); }

 private:
  LogSink sink_;
  std::string subsystem_;
};

}  // namespace tandem::replication
