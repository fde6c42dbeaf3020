#include "ticket_actions.h"

namespace triaged::daemon {

bool handle_ticket_action(const ApiContext&, const Request&, const std::string&, const Api::Respond&) {
  return false;
}

}  // namespace triaged::daemon
