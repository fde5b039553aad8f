#include "net/token_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace hive::net {

std::string read_token_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw std::invalid_argument("cannot read token file " + path + ": " + std::strerror(errno));
  if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
    throw std::invalid_argument("token file " + path
                                + " can be read by its group or others; chmod 600 it");
  std::ifstream in{path};
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    throw std::invalid_argument("cannot read token file " + path);
  auto token = text.str();
  constexpr const char* space = " \t\r\n";
  auto first = token.find_first_not_of(space);
  if (first == std::string::npos)
    throw std::invalid_argument("token file " + path + " is empty");
  return token.substr(first, token.find_last_not_of(space) - first + 1);
}

std::string client_token(const std::string& token_file) {
  if (!token_file.empty())
    return read_token_file(token_file);
  const char* token = std::getenv("PROVISION_TOKEN");
  return token ? token : "";
}

} // namespace hive::net
