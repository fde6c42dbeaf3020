// One topic judged on its own: the rule set reduced to that topic and the default topic.
// Routing a ticket through it says whether the topic's conditions hold, whatever the topics
// before it would have done. Used by evaluate_topic_alone() and the shadowed-topic lint.
#pragma once

#include <memory>

#include "routing/rule_spec.h"

namespace triaged::rules {

// REQUIRES: `spec` built successfully and `topic` is one of its topics. Null only if the
// reduced set fails to build, which a subset of a valid set cannot.
std::shared_ptr<const routing::RuleSet> topic_alone(const routing::RuleSetSpec& spec,
                                                    const routing::TopicSpec& topic);

}  // namespace triaged::rules
