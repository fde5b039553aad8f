// What an Ollama registry answers: a manifest, or a bearer challenge.

#include "actors/vendors/ollama/ollama_manifest.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text{reinterpret_cast<const char*>(data), size};
  (void)hive::ollama::parse_challenge(text);
  (void)hive::ollama::parse_manifest(std::move(text), "manifest");
  return 0;
}
