#include "actors/vendors/narrator.hpp"

#include "messages/type_ids.hpp"

#include <caf/send.hpp>

namespace hive {

void narrator::say(std::string action, std::string human) const {
  note(std::move(action), std::move(human), narration_level::info);
}

void narrator::warn(std::string action, std::string human) const {
  note(std::move(action), std::move(human), narration_level::warn);
}

void narrator::error(std::string action, std::string human) const {
  note(std::move(action), std::move(human), narration_level::error);
}

std::function<void(int, std::chrono::milliseconds, const std::string&)> narrator::retries() const {
  return [voice = *this](int attempt, std::chrono::milliseconds delay, const std::string& why) {
    auto tenths = delay.count() / 100;
    auto wait = std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
    voice.warn("retry", why + "; trying again in " + wait + " (attempt "
                            + std::to_string(attempt + 1) + ")");
  };
}

void narrator::note(std::string action, std::string human, narration_level level) const {
  caf::anon_send(narration,
                 narration_note{speaker, std::move(action), target, std::move(human), level});
}

} // namespace hive
