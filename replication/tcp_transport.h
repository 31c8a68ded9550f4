// Thin non-blocking IPv6 TCP glue for the RBS: the only file in replication/ that makes
// system calls. No threads, no loop: the caller polls fd() and calls back when ready.
// IPv4-mapped addresses (::ffff:a.b.c.d) work too, which lets tests run two endpoints with
// distinct addresses on the loopback.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "control/wire/address.h"

namespace tandem::replication {

class TcpSocket {
 public:
  TcpSocket() = default;
  explicit TcpSocket(int fd, bool connecting = false) : fd_(fd), connecting_(connecting) {}
  TcpSocket(TcpSocket&& o) noexcept;
  TcpSocket& operator=(TcpSocket&& o) noexcept;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;
  ~TcpSocket() { close(); }

  // Non-blocking connect from local (port 0 = any) to peer:port; nullopt + *error on an
  // immediate failure. The socket reports writable once the connect finishes.
  static std::optional<TcpSocket> dial(const wire::Ipv6Address& local,
                                       const wire::Ipv6Address& peer, uint16_t port,
                                       std::string* error);

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  bool connecting() const { return connecting_; }
  // After writable while connecting: 0 when established, else the errno of the failure.
  int finish_connect();

  enum class IoStatus : uint8_t { ok, would_block, eof, error };
  // Reads into buf; *n = bytes read on ok.
  IoStatus read(std::span<uint8_t> buf, size_t* n);
  // Writes as much of data as the kernel takes; *n = bytes written on ok.
  IoStatus write(std::span<const uint8_t> data, size_t* n);
  void close();

 private:
  int fd_ = -1;
  bool connecting_ = false;
};

class TcpListener {
 public:
  TcpListener() = default;
  TcpListener(TcpListener&& o) noexcept;
  TcpListener& operator=(TcpListener&& o) noexcept;
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  ~TcpListener() { close(); }

  // Listens on local:port (SO_REUSEADDR, non-blocking); port 0 picks an ephemeral one.
  static std::optional<TcpListener> listen(const wire::Ipv6Address& local, uint16_t port,
                                           std::string* error);
  int fd() const { return fd_; }
  uint16_t port() const { return port_; }

  struct Accepted {
    TcpSocket socket;
    wire::Ipv6Address from;
  };
  // One pending connection, or nullopt when none is waiting.
  std::optional<Accepted> accept();
  void close();

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace tandem::replication
