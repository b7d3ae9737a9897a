// Test helpers for Prometheus endpoints: fetching /metrics over loopback, the family names a
// scrape exposes, and the names docs/metrics.md documents (the contract the tests hold both to).
#pragma once

#include <set>
#include <string>

namespace vmm::test_support {

// The whole HTTP response (status line, headers, body) of GET /metrics on 127.0.0.1:`port`;
// "" when nothing answers.
std::string HttpGetMetricsResponse(int port);

// The body of that response; "" when nothing answers.
std::string HttpGetMetrics(int port);

// The family names (# TYPE lines) of a text exposition that start with `prefix`.
std::set<std::string> ExposedMetricNames(const std::string& text, const std::string& prefix = "");

// The metric names in the table of the section of `docs_path` (docs/metrics.md) whose heading
// contains `section` ("vmm-server", "vmm-worker").
std::set<std::string> DocumentedMetricNames(const std::string& docs_path,
                                            const std::string& section);

}  // namespace vmm::test_support
