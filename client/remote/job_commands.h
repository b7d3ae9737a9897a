// The `vmm` subcommands that act on existing jobs: status, watch, list, cancel, fetch, delete.
#pragma once

#include <CLI/CLI.hpp>

#include "client/command_registry.h"

namespace vmm::client {

// Adds the job subcommands to `app` and their actions to `registry`.
void AddJobCommands(CLI::App& app, CommandRegistry& registry);

}  // namespace vmm::client
