#include "control/daemon/io/passed_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::daemon {

std::optional<std::string> read_passed_file(int fd, std::string& error) {
  struct stat st {};
  if (::fstat(fd, &st) < 0) {
    error = std::string("cannot stat the passed file: ") + std::strerror(errno);
    return std::nullopt;
  }
  // A FIFO or socket could block the control loop forever; a device could be anything.
  if (!S_ISREG(st.st_mode)) {
    error = "the passed file is not a regular file";
    return std::nullopt;
  }
  if (static_cast<size_t>(st.st_size) > kMaxPassedFileBytes) {
    error = "the passed file is larger than " + std::to_string(kMaxPassedFileBytes) + " bytes";
    return std::nullopt;
  }
  std::string text;
  char buf[65536];
  off_t offset = 0;  // pread: the client's file offset is irrelevant and left alone
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("cannot read the passed file: ") + std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    offset += n;
    if (text.size() > kMaxPassedFileBytes) {  // it grew since fstat
      error = "the passed file is larger than " + std::to_string(kMaxPassedFileBytes) + " bytes";
      return std::nullopt;
    }
  }
  return text;
}

}  // namespace tandem::daemon
