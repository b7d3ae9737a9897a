// `vmm magnify`: magnifies a video file on this machine with the engine (no server needed).
#pragma once

#include <CLI/CLI.hpp>

#include "client/command_registry.h"

namespace vmm::client {

// Adds the `magnify` subcommand to `app`.
void AddMagnifyCommand(CLI::App& app, CommandRegistry& registry);

}  // namespace vmm::client
