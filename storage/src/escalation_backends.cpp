#include "escalation_backends.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace triaged::storage {
namespace {

std::mutex& openers_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<EscalationOpener>& openers() {
  static std::vector<EscalationOpener> all;
  return all;
}

}  // namespace

void register_escalation_opener(EscalationOpener opener) {
  std::lock_guard lock(openers_mutex());
  auto& all = openers();
  if (std::find(all.begin(), all.end(), opener) == all.end()) all.push_back(opener);
}

Result<std::unique_ptr<EscalationStore>> open_other_escalations(TicketStore& store) {
  std::vector<EscalationOpener> all;
  {
    std::lock_guard lock(openers_mutex());
    all = openers();
  }
  for (EscalationOpener opener : all) {
    if (auto opened = opener(store)) return opened;
  }
  return std::unexpected(StoreError{StoreError::Code::io, "this store keeps no escalation tables"});
}

}  // namespace triaged::storage
