// How the remote commands show jobs: a few readable lines or a table for people, the job
// message as JSON (proto field names, every field) with --json for scripts.
//
// Thread-safety: pure functions writing to the given stream.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "vmm/v1/magnification.pb.h"

namespace vmm::client {

// User text (names, labels, reasons) as a terminal may show it: control characters, which a
// terminal would act on (clear the screen, move the cursor), as \xNN; everything else as is.
std::string Printable(std::string_view text);

// "QUEUED", "RUNNING", ... as the API spells them.
std::string StateName(vmm::v1::Job::State state);

// True for SUCCEEDED, FAILED and CANCELLED.
bool IsFinal(vmm::v1::Job::State state);

// Any message as one line of JSON, with proto field names and default values printed.
std::string ToJson(const google::protobuf::Message& message);

// A job as a few lines for people.
void PrintJob(const vmm::v1::Job& job, std::ostream& out);

// Jobs as a table with one line each (name, state, progress, created, display name).
void PrintJobTable(const std::vector<vmm::v1::Job>& jobs, std::ostream& out);

// A byte count for people: "812 B", "1.2 MiB".
std::string HumanBytes(int64_t bytes);

}  // namespace vmm::client
