// The summary of an analysis report that a person reads on the terminal (`vmm analyze` without
// --json): the size, rate and bins; the whole frame's peaks; each region's motion, its peaks,
// bands and `vmm magnify` commands. Made from the JSON report (analysis::ReportJson), so that a
// video measured here and one measured by the service read the same.
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace vmm::analysis {

// The summary of `report` for a video named `input`. DATA_LOSS, naming the field, where the
// report lacks a field the summary reads or holds something else there (a report from a worker
// of another version; a number written as null).
absl::StatusOr<std::string> ReportSummary(const std::string& input, const nlohmann::json& report);

}  // namespace vmm::analysis
