#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hive::test {

/// A real forward proxy on a loopback port: `CONNECT host:port` opens a
/// tunnel; an absolute-form request (`GET http://host:port/path`) is passed on
/// to its origin in origin form. Records each request line it handled.
class test_proxy {
public:
  test_proxy();
  ~test_proxy();

  /// `http://127.0.0.1:<port>`.
  std::string url() const;
  /// Request lines seen, e.g. `CONNECT 127.0.0.1:4443`, `GET http://127.0.0.1:80/x`.
  std::vector<std::string> requests() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace hive::test
