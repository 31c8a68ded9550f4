// tandemd's side of systemd's service protocol (sd_notify(3), Type=notify in
// scripts/tandemd.service): READY=1 once the daemon serves, RELOADING=1 ... READY=1 around a
// config reload, STOPPING=1 on the way out, STATUS= with the roles (remote backup profiles,
// VRRP6 groups), and WATCHDOG=1 from the control loop every half of WatchdogSec
// (sd_watchdog_enabled(3)), so a control loop that stops turning gets the service restarted.
// Outside systemd ($NOTIFY_SOCKET unset) every call is a no-op.
#pragma once

#include <string>

#include "control/common/time.h"

namespace tandem::daemon {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC / $WATCHDOG_PID once.
  SystemdNotifier();

  bool active() const { return active_; }
  bool watchdog_enabled() const { return watchdog_period_.count() > 0; }
  // Half of WATCHDOG_USEC: systemd's advice, one missed turn does not kill the service.
  Duration watchdog_period() const { return watchdog_period_; }

  void ready(const std::string& status);
  void reloading();
  void stopping();
  // Sends STATUS= only when it differs from the last one sent.
  void status(const std::string& status);
  // Sends WATCHDOG=1 when a period has passed since the last one (or at the first call).
  void watchdog(TimePoint now);
  // When watchdog() next has something to send (kNever without a watchdog).
  TimePoint next_watchdog() const;

 private:
  void send(const std::string& message);

  bool active_ = false;
  Duration watchdog_period_{0};
  TimePoint last_watchdog_ = TimePoint::min();
  std::string last_status_;
};

}  // namespace tandem::daemon
