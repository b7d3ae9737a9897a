// `vmm submit INPUT -o OUTPUT [magnify flags] [--format mp4|mkv] [--name N] [--label k=v]
// [--no-wait]`: uploads a video, watches the job, and downloads the result.
#pragma once

#include <CLI/CLI.hpp>

#include "client/command_registry.h"

namespace vmm::client {

// Adds `submit` to `app` and its action to `registry`.
void AddSubmitCommand(CLI::App& app, CommandRegistry& registry);

}  // namespace vmm::client
