// Turns failed calls into what a person at a terminal (or a script) needs: one plain line on
// stderr naming the command and the server's message, a JSON object on stdout with --json, and
// the exit code of client/exit_codes.h.
//
// Thread-safety: writes whole lines; safe from any thread.
#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace vmm::client {

// The exit code for a gRPC status code: UNAVAILABLE, UNAUTHENTICATED, DEADLINE_EXCEEDED -> 3;
// INVALID_ARGUMENT, OUT_OF_RANGE -> 2; CANCELLED -> 4; OK -> 0; anything else -> 1.
int ExitCodeFor(grpc::StatusCode code);

// Prints "vmm <command>: <plain explanation>" and returns the exit code.
int ReportRpcError(const std::string& command, const grpc::Status& status, bool json,
                   const std::string& server);

// The same for an absl::Status (local errors: files, flags).
int ReportError(const std::string& command, const absl::Status& status, bool json);

// The same for a local input file that cannot be used (missing, a folder, not a video): exit 1
// whatever the status code, since the file is what needs fixing.
int ReportInputFileError(const std::string& command, const absl::Status& status, bool json);

}  // namespace vmm::client
