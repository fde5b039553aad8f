#include "actors/inspect/counted_behavior.hpp"

#include <caf/detail/behavior_impl.hpp>
#include <caf/scheduled_actor.hpp>

namespace hive {

namespace {

/// Delegates every message to the actor's own behavior; counts the matches.
class counting_impl final : public caf::detail::behavior_impl {
public:
  counting_impl(caf::scheduled_actor* self, std::shared_ptr<actor_stats> stats, pointer inner)
    : behavior_impl(inner->timeout()), self_(self), stats_(std::move(stats)),
      inner_(std::move(inner)) {
  }

  caf::match_case::result invoke_empty(caf::detail::invoke_result_visitor& f) override {
    return count(inner_->invoke_empty(f));
  }

  caf::match_case::result invoke(caf::detail::invoke_result_visitor& f,
                                 caf::type_erased_tuple& xs) override {
    return count(inner_->invoke(f, xs));
  }

  void handle_timeout() override {
    inner_->handle_timeout();
  }

private:
  caf::match_case::result count(caf::match_case::result result) {
    if (result == caf::match_case::match) {
      stats_->messages.fetch_add(1, std::memory_order_relaxed);
      // The queue the actor already took from its lock-free inbox: messages
      // that arrived since are not counted (only the owner may fetch them).
      auto waiting = self_->mailbox().queue().total_task_size();
      stats_->mailbox.store(static_cast<std::int64_t>(waiting), std::memory_order_relaxed);
    }
    return result;
  }

  caf::scheduled_actor* self_;
  std::shared_ptr<actor_stats> stats_;
  pointer inner_;
};

} // namespace

caf::behavior counted_behavior(caf::scheduled_actor* self, std::shared_ptr<actor_stats> stats,
                               caf::behavior inner) {
  if (!stats || !inner)
    return inner;
  caf::behavior::impl_ptr counting =
      caf::make_counted<counting_impl>(self, std::move(stats), inner.as_behavior_impl());
  return caf::behavior{std::move(counting)};
}

} // namespace hive
