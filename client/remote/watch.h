// Follows a job (WatchJob) until it reaches a final state, drawing its progress, and opens the
// stream again when the connection drops (a server restart), so `vmm submit` and `vmm watch`
// survive one. With --json every event is printed as one line of JSON on stdout.
//
// Thread-safety: one watch per thread; the connection may be shared.
#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "client/progress_display.h"
#include "client/remote/connection.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::client {

// Watches job `name` until it is SUCCEEDED, FAILED or CANCELLED, showing progress on
// `progress` (may be null); the last job in *job.
grpc::Status WatchJobUntilFinal(Connection& connection, const std::string& name,
                                ProgressDisplay* progress, bool print_json_events,
                                vmm::v1::Job* job);

}  // namespace vmm::client
