// `vmm slice INPUT [MORE...] --column X | --row Y -o slice.png`: the time slices of one or more
// videos (an input and its magnified versions, say), one above the other on one time axis: one
// column (a y-t slice) or row (an x-t slice) of every frame laid side by side, time running left
// to right, the way this field shows magnified motion.
#pragma once

#include <CLI/CLI.hpp>

#include "client/command_registry.h"

namespace vmm::client {

// Adds the `slice` subcommand to `app`.
void AddSliceCommand(CLI::App& app, CommandRegistry& registry);

}  // namespace vmm::client
