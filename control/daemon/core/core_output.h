// Where the dispatchers' results leave the control core: frames to a port (an empty or
// refused frame is counted as tx_failed), the FIB and virtual MACs through PacketIo, and log
// lines. One object so each dispatcher takes a single output parameter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/common/log.h"
#include "control/daemon/core/core_counters.h"
#include "control/daemon/core/interfaces.h"
#include "control/daemon/core/packet_io.h"

namespace tandem::daemon {

class CoreOutput {
 public:
  CoreOutput(PacketIo& io, const InterfaceMap& interfaces, CoreCounters& counters, LogSink log)
      : io_(io), interfaces_(interfaces), counters_(counters), log_(std::move(log)) {}

  void send(uint32_t ifindex, const std::vector<uint8_t>& frame) {
    if (frame.empty() || !io_.send(ifindex, frame)) counters_.drop(ifindex, CoreDrop::tx_failed);
  }
  void log(LogLevel level, const std::string& subsystem, const std::string& line) const {
    log_(level, subsystem, line);
  }
  PacketIo& io() { return io_; }
  const InterfaceMap& interfaces() const { return interfaces_; }
  CoreCounters& counters() { return counters_; }

 private:
  PacketIo& io_;
  const InterfaceMap& interfaces_;
  CoreCounters& counters_;
  LogSink log_;
};

}  // namespace tandem::daemon
