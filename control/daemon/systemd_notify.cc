#include "control/daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <ctime>

namespace tandem::daemon {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket && *socket;
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if set) is this process.
  if (active_ && sd_watchdog_enabled(0, &usec) > 0)
    watchdog_period_ = std::chrono::duration_cast<Duration>(std::chrono::microseconds(usec / 2));
}

void SystemdNotifier::send(const std::string& message) {
  if (active_) sd_notify(0, message.c_str());
}

void SystemdNotifier::ready(const std::string& status) {
  last_status_ = status;
  send("READY=1\nSTATUS=" + status);
}

void SystemdNotifier::reloading() {
  // MONOTONIC_USEC lets a Type=notify-reload manager (systemd 253+) match this reload to its
  // request; older managers ignore it.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const uint64_t usec =
      static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::stopping() {
  send("STOPPING=1");
}

void SystemdNotifier::status(const std::string& status) {
  if (!active_ || status == last_status_) return;
  last_status_ = status;
  send("STATUS=" + status);
}

TimePoint SystemdNotifier::next_watchdog() const {
  if (!watchdog_enabled()) return kNever;
  if (last_watchdog_ == TimePoint::min()) return TimePoint::min();
  return last_watchdog_ + watchdog_period_;
}

void SystemdNotifier::watchdog(TimePoint now) {
  if (!watchdog_enabled() || now < next_watchdog()) return;
  last_watchdog_ = now;
  send("WATCHDOG=1");
}

}  // namespace tandem::daemon
