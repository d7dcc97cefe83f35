#include "mpm/connection.h"

namespace tern {

ProtocolWorkerState& WorkerContext::state_for(const ConnectionFactory& factory) {
  // A listener has one factory per protocol and transport (a handful): a scan is cheapest.
  for (Entry& e : states_) {
    if (e.factory == &factory) return *e.state;
  }
  states_.push_back(Entry{&factory, factory.make_worker_state()});
  return *states_.back().state;
}

}  // namespace tern
