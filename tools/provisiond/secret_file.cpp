#include "tools/provisiond/secret_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace hive {

std::string read_secret_file(const std::string& option, const std::string& path) {
  auto refuse = [&](const std::string& why) {
    return std::invalid_argument("--" + option + ": " + path + " " + why);
  };
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
  auto secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  if (secret.empty())
    throw refuse("is empty");
  return secret;
}

} // namespace hive
