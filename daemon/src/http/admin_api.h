// The admin endpoints for rule sets: GET /api/v1/admin/rules, POST .../reload, .../validate,
// .../simulate (a candidate's replay report over the newest stored tickets). Rows of the
// route table (routes.cpp), which gives them to admin keys (or, without keys, loopback
// clients). Without rule administration in the context each answers 503.
#pragma once

#include <boost/json/value.hpp>

#include <optional>

#include "http/routes.h"
#include "http/rules_admin.h"

namespace triaged::daemon {

void get_rules_status(const Call& call);     // GET /api/v1/admin/rules: the live rules and their text
void post_rules_reload(const Call& call);    // POST /api/v1/admin/rules/reload
void post_rules_validate(const Call& call);  // POST /api/v1/admin/rules/validate (YAML body)
void post_rules_simulate(const Call& call);  // POST /api/v1/admin/rules/simulate?limit= (YAML body)

// The "cluster" member of /readyz and GET /api/v1/admin/rules: null without a cluster.
boost::json::value cluster_rules_json(const std::optional<ClusterRulesView>& view);

}  // namespace triaged::daemon
