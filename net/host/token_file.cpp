#include "net/host/token_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace hive::net {

std::string read_token_file(const std::string& path) {
  auto refuse = [&](const std::string& why) { return std::invalid_argument(path + " " + why); };
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw refuse(std::string{"cannot be read: "} + std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    throw refuse("is not a regular file");
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw refuse("may be read by its group or others; make it private with chmod 600");
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    throw refuse("cannot be read");
  auto token = text.str();
  constexpr const char* space = " \t\r\n";
  auto first = token.find_first_not_of(space);
  if (first == std::string::npos)
    throw refuse("is empty");
  return token.substr(first, token.find_last_not_of(space) - first + 1);
}

std::string client_token(const std::string& token_file) {
  if (!token_file.empty())
    return read_token_file(token_file);
  const char* token = std::getenv("PROVISION_TOKEN");
  return token ? token : "";
}

} // namespace hive::net
