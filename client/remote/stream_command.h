// `vmm stream --input FILE|PATTERN|/dev/videoN -o OUTPUT [--mode ... --alpha ... causal filter
// flags]`: streams frames through a live session, writes the magnified frames, and prints the
// median and 99th-percentile latency.
#pragma once

#include <CLI/CLI.hpp>

#include "client/command_registry.h"

namespace vmm::client {

// Adds `stream` to `app` and its action to `registry`.
void AddStreamCommand(CLI::App& app, CommandRegistry& registry);

}  // namespace vmm::client
